import NIOCore
import NIOSSL

/// The last handler of a broker connection's pipeline: hands each response frame to the
/// request waiting for it, and fails all waiting requests when the connection goes away.
final class BrokerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let pending: PendingRequests
    private let address: BrokerAddress

    init(pending: PendingRequests, address: BrokerAddress) {
        self.pending = pending
        self.address = address
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.complete(with: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.close(
            with: KafkaClientError(
                .connectionClosed,
                "connection to broker \(address) closed; the request will be retried on a new connection"
            )
        )
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A failed TLS handshake will fail the same way again: the settings must change.
        if let tls = error as? NIOSSLError {
            pending.close(
                with: KafkaClientError(
                    .authenticationFailed,
                    """
                    TLS handshake with broker \(address) failed (\(tls)): does the CA file hold the broker's \
                    certificate, and does the certificate name this address?
                    """
                )
            )
            context.close(promise: nil)
            return
        }
        pending.close(
            with: KafkaClientError(
                .connectionClosed,
                "connection to broker \(address) failed (\(error)); the request will be retried on a new connection"
            )
        )
        context.close(promise: nil)
    }
}

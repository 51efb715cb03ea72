import NIOCore

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
        pending.close(
            with: KafkaClientError(
                .connectionClosed,
                "connection to broker \(address) failed (\(error)); the request will be retried on a new connection"
            )
        )
        context.close(promise: nil)
    }
}

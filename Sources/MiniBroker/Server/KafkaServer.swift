import KafkaWire
import Logging
import NIOCore
import NIOPosix

/// Accepts Kafka connections and serves each connection's requests in order.
///
/// Like Kafka, a connection's requests are handled one at a time and answered in the order
/// they came (clients match responses by correlation id but expect that order); different
/// connections run concurrently. `ConnectionLimits` bound what connections may hold (see
/// `RequestFrameReader`, `KafkaConnectionHandler`); `AcceptBackoff` keeps the accept loop
/// from spinning when file descriptors run out.
final class KafkaServer: Sendable {
    private let host: String
    private let port: Int
    private let limits: ConnectionLimits
    private let handler: RequestHandler
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let logger: Logger

    init(
        host: String,
        port: Int,
        limits: ConnectionLimits,
        handler: RequestHandler,
        eventLoopGroup: MultiThreadedEventLoopGroup,
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.handler = handler
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Binds the listener and serves until the task is cancelled.
    /// `onBound` receives the bound port (useful with port 0).
    func run(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let limits = self.limits
        let handler = self.handler
        let logger = self.logger
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoff(logger: logger))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Produce frames are often ~1 MiB; reads that can grow that large take a frame
            // in one piece instead of gluing 64 KiB reads together (a copy per frame).
            .childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 16 * 1024, maximum: 1024 * 1024)
            )
            // One read per wake-up: a connection told to wait for the request budget stops
            // after the read that told it, instead of up to three more (megabytes) landing.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        RequestFrameReader(limits: limits, logger: logger),
                        KafkaConnectionHandler(handler: handler, idleTimeout: limits.idleTimeout, logger: logger)
                    )
                }
            }
            .bind(host: host, port: port)
            .get()
        let boundPort = listener.localAddress?.port ?? port
        logger.info("Kafka listener on \(host):\(boundPort)")
        onBound(boundPort)
        // Serve until cancelled (graceful shutdown), then close the listener and every connection.
        do {
            try await withTaskCancellationHandler {
                try await listener.closeFuture.get()
            } onCancel: {
                listener.close(promise: nil)
            }
        } catch {}
        if Task.isCancelled { throw CancellationError() }
    }
}

import Logging
import NIOCore
import NIOPosix

/// Accepts Kafka connections and serves each connection's requests in order.
///
/// Like Kafka, a connection's requests are handled one at a time and answered in the order
/// they came (clients match responses by correlation id but expect that order); different
/// connections run concurrently.
final class KafkaServer: Sendable {
    private let host: String
    private let port: Int
    private let maximumFrameSize: Int
    private let handler: RequestHandler
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let logger: Logger

    init(
        host: String, port: Int, maximumFrameSize: Int, handler: RequestHandler,
        eventLoopGroup: MultiThreadedEventLoopGroup, logger: Logger
    ) {
        self.host = host
        self.port = port
        self.maximumFrameSize = maximumFrameSize
        self.handler = handler
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Binds the listener and serves until the task is cancelled.
    /// `onBound` receives the bound port (useful with port 0).
    func run(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let maximumFrameSize = self.maximumFrameSize
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: true)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(KafkaFrameDecoder(maximumFrameSize: maximumFrameSize))
                    )
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = listener.channel.localAddress?.port ?? port
        logger.info("Kafka listener on \(host):\(boundPort)")
        onBound(boundPort)
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let peer = connection.channel.remoteAddress
        let clientHost = peer?.ipAddress ?? "unknown"
        let allocator = connection.channel.allocator
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    guard let response = try await handler.respond(to: frame, clientHost: clientHost, allocator: allocator)
                    else { continue }
                    try await outbound.write(response)
                }
            }
        } catch is CancellationError {
            return
        } catch let error as ChannelError where error == .ioOnClosedChannel || error == .alreadyClosed {
            return
        } catch let error as NIOCore.IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
            return
        } catch {
            logger.warning("closing connection from \(peer.map { "\($0)" } ?? "unknown"): \(error)")
        }
    }
}

import KafkaWire
import Logging
import NIOCore
import NIOPosix

@testable import MiniBroker

/// The same handlers behind a real listener: `KafkaServer` on 127.0.0.1 and a port the kernel
/// picks, and TCP clients, to check that the in-memory connection behaves as a socket does.
final class SocketKafkaServer {
    let port: Int
    private let eventLoops: MultiThreadedEventLoopGroup
    private let serving: Task<Void, any Error>

    private init(port: Int, eventLoops: MultiThreadedEventLoopGroup, serving: Task<Void, any Error>) {
        self.port = port
        self.eventLoops = eventLoops
        self.serving = serving
    }

    /// A listening server; call `stop()` when done.
    static func start(_ broker: ServedBroker) async throws -> SocketKafkaServer {
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = KafkaServer(
            listener: KafkaListener(
                securityProtocol: broker.listener.securityProtocol,
                host: "127.0.0.1",
                port: 0,
                advertisedHost: broker.listener.advertisedHost,
                advertisedPort: broker.listener.advertisedPort
            ),
            limits: broker.limits,
            saslMechanisms: SaslMechanism.allCases,
            users: broker.users,
            failedLoginDelay: .milliseconds(broker.failedLoginDelayMs),
            handler: broker.handler,
            eventLoopGroup: eventLoops,
            logger: Logger(label: "socket-server")
        )
        let (bound, signal) = AsyncStream.makeStream(of: Int.self)
        let serving = Task {
            defer { signal.finish() }
            try await server.run { signal.yield($0) }
        }
        for await port in bound {
            return SocketKafkaServer(port: port, eventLoops: eventLoops, serving: serving)
        }
        try await serving.value
        throw ChannelError.ioOnClosedChannel
    }

    /// Stops listening, closes the connections and the event loops.
    func stop() async throws {
        serving.cancel()
        _ = try? await serving.value
        try await eventLoops.shutdownGracefully()
    }

    /// Connects, runs the steps in order on that connection and returns what came back.
    func run(_ steps: [ConnectionStep], timeout: Duration = .seconds(10)) async throws -> ConnectionTranscript {
        let client = try await ClientBootstrap(group: eventLoops)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withTimeout(timeout) {
            try await client.executeThenClose { inbound, outbound in
                var received = SocketTranscriptReader(inbound: inbound.makeAsyncIterator())
                for step in steps where !received.closed {
                    try await outbound.write(ByteBuffer(bytes: step.bytes))
                    try await received.read(until: step.awaitedCorrelationId)
                }
                return received.transcript
            }
        }
    }

    /// `body`'s result, or a failure once `timeout` passed (a client waiting on a broker that
    /// neither answers nor closes would otherwise hang the test).
    private func withTimeout<Value: Sendable>(
        _ timeout: Duration,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let value = try await group.next() ?? nil else { throw ChannelError.connectTimeout(.zero) }
            return value
        }
    }
}

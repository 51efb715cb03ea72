import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where a component's log lines go: standard error and `<log-dir>/<component>.log`.
///
/// Lines are written whole under a lock so concurrent loggers never interleave. The file is
/// rotated when it passes `maxBytes` (`broker.log` -> `broker.log.1` -> ... -> `.<keep>`, the
/// oldest dropped), so a week-long class cannot fill the disk with logs. On a terminal the
/// level is coloured (red errors, yellow warnings, green info); piped to journald or a file
/// it stays plain.
///
/// Logs are for the service's user and group only: files are 0640 (an existing file is
/// tightened when opened), a log directory made here is 0750. Operators read them through the
/// group (`aseed logs`, `adm`-style access); other local users cannot.
public final class LogSink: Sendable {
    /// The rotation default: 10 MB x 3, as the original's operations script.
    public static let defaultMaxBytes = 10 * 1024 * 1024
    /// Rotated files kept by default.
    public static let defaultKeep = 3
    /// Owner reads and writes, the group reads, nobody else.
    public static let fileMode: mode_t = 0o640
    /// Owner, and the group reads and enters: a log directory made here.
    public static let directoryMode: mode_t = 0o750

    private struct OpenFile {
        var handle: UnsafeMutablePointer<FILE>?
        var size: Int
    }

    private let file: Mutex<OpenFile>
    private let path: String
    private let maxBytes: Int
    private let keep: Int
    private let colours: Bool

    /// Opens (appending) `<directory>/<component>.log`, creating the directory.
    ///
    /// - Throws: `ConfigurationError` (`log-dir`) when the directory or the file cannot be made.
    public init(
        directory: String,
        component: String,
        maxBytes: Int = LogSink.defaultMaxBytes,
        keep: Int = LogSink.defaultKeep
    ) throws {
        try createDirectories(directory, for: "log-dir", mode: LogSink.directoryMode)
        path = directory + "/" + component + ".log"
        self.maxBytes = maxBytes
        self.keep = keep
        colours = LogSink.terminalWantsColour()
        guard let handle = LogSink.open(path) else {
            let reason = String(cString: strerror(errno))
            throw ConfigurationError("log-dir: cannot open '\(path)' for writing (\(reason))")
        }
        fseek(handle, 0, SEEK_END)
        file = Mutex(OpenFile(handle: handle, size: ftell(handle)))
    }

    /// A sink with the rotation settings `log-max-bytes` and `log-files` (flag, ASEED_* or
    /// config key; 10 MB x 3 by default); the flags are nil for a command without them.
    ///
    /// - Throws: `ConfigurationError` for a size under 4096 bytes, a negative count or a
    ///   directory or file that cannot be made.
    public convenience init(
        directory: String,
        component: String,
        settings: Settings,
        maxBytesFlag: Int? = nil,
        filesFlag: Int? = nil
    ) throws {
        let maxBytes = try settings.integer("log-max-bytes", flag: maxBytesFlag, default: LogSink.defaultMaxBytes)
        let keep = try settings.integer("log-files", flag: filesFlag, default: LogSink.defaultKeep)
        guard maxBytes >= 4096 else {
            throw ConfigurationError("log-max-bytes: expected at least 4096, got \(maxBytes)")
        }
        guard keep >= 0 else { throw ConfigurationError("log-files: expected 0 or more rotated files, got \(keep)") }
        try self.init(directory: directory, component: component, maxBytes: maxBytes, keep: keep)
    }

    /// Writes one line (ending in a newline) at `level`.
    public func write(_ line: String, level: Logger.Level) {
        file.withLock { file in
            var console = colours ? Self.coloured(line, level: level) : line
            console.withUTF8 { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            guard let handle = file.handle else { return }
            fputs(line, handle)
            fflush(handle)
            file.size += line.utf8.count
            if file.size >= maxBytes { rotate(&file) }
        }
    }

    /// A swift-log handler writing to this sink.
    public func handler(label: String) -> LogHandler {
        SinkLogHandler(label: label, sink: self)
    }

    /// A logger labelled `component` writing to this sink.
    public func logger(_ component: String) -> Logger {
        Logger(label: component) { self.handler(label: $0) }
    }

    /// Shifts `.log.N` to `.log.N+1` (dropping the last), the live file to `.log.1`, and
    /// opens a fresh live file. A failure keeps writing to the old file rather than losing lines.
    private func rotate(_ file: inout OpenFile) {
        if keep > 0 {
            unlink("\(path).\(keep)")
            for index in stride(from: keep - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
        guard let fresh = LogSink.open(path) else { return }
        fclose(file.handle)
        file = OpenFile(handle: fresh, size: 0)
    }

    /// Opens `path` for appending with mode 0640, and tightens a file that was looser (made by
    /// an older version, or by hand): a log may hold what only the service should read.
    private static func open(_ path: String) -> UnsafeMutablePointer<FILE>? {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & 0o7777 & ~fileMode != 0 {
            _ = fchmod(descriptor, info.st_mode & fileMode)
        }
        guard let handle = fdopen(descriptor, "a") else {
            close(descriptor)
            return nil
        }
        return handle
    }

    private static func coloured(_ line: String, level: Logger.Level) -> String {
        let code: String
        switch level {
        case .error, .critical: code = "31"
        case .warning: code = "33"
        case .info, .notice: code = "32"
        case .debug, .trace: return line
        }
        return "\u{1B}[\(code)m" + line.dropLast() + "\u{1B}[0m\n"
    }

    /// Colour only for a terminal that can show it, and never when NO_COLOR is set.
    private static func terminalWantsColour() -> Bool {
        guard isatty(STDERR_FILENO) == 1, getenv("NO_COLOR") == nil else { return false }
        guard let term = getenv("TERM") else { return false }
        return String(cString: term) != "dumb"
    }
}

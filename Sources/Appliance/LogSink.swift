#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// Where a component's log lines go: standard error and `<log-dir>/<component>.log`.
/// Lines are written whole under a lock so concurrent loggers never interleave.
final class LogSink: Sendable {
    private let file: Mutex<UnsafeMutablePointer<FILE>?>

    /// Opens (appending) `<directory>/<component>.log`, creating the directory.
    init(directory: String, component: String) throws {
        try createDirectories(directory, for: "log-dir")
        let path = directory + "/" + component + ".log"
        guard let handle = fopen(path, "a") else {
            throw ConfigurationError("log-dir: cannot open '\(path)' for writing (errno \(errno))")
        }
        self.file = Mutex(handle)
    }

    func write(_ line: String) {
        file.withLock { handle in
            var bytes = Array(line.utf8)
            _ = Glibc.write(STDERR_FILENO, &bytes, bytes.count)
            if let handle {
                fputs(line, handle)
                fflush(handle)
            }
        }
    }

    /// A swift-log handler writing to this sink.
    func handler(label: String) -> LogHandler {
        SinkLogHandler(label: label, sink: self)
    }
}

/// swift-log handler: `2026-11-29T10:00:00Z warning broker: message key=value`.
struct SinkLogHandler: LogHandler {
    let label: String
    let sink: LogSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.write("\(SinkLogHandler.timestamp()) \(event.level) \(label): \(event.message)\(extra)\n")
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        _ = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

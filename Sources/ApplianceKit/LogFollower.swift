#if canImport(Glibc)
import Glibc
#endif

/// One log file being read: remembers where it stopped, and starts over when the file was
/// rotated (another inode) or truncated.
public struct LogFollower {
    /// The log file.
    public let path: String
    /// Prefix for each line when several files are shown.
    public let label: String?
    private var inode: ino_t = 0
    private var position: off_t = 0
    private var partial: [UInt8] = []

    /// A follower of `path` that has read nothing yet.
    public init(path: String, label: String?) {
        self.path = path
        self.label = label
    }

    /// Prints the last `lines` lines and remembers the end.
    public mutating func printTail(lines: Int) {
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
    public mutating func printNew() {
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
        let lines = partial[...lastNewline].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for line in lines.dropLast() {
            if let label { output.append(contentsOf: Array("\(label) | ".utf8)) }
            output.append(contentsOf: line)
            output.append(UInt8(ascii: "\n"))
        }
        partial.removeFirst(lastNewline + 1)
        output.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

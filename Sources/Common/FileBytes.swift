#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole small files read into memory (a catalog, a script the dashboard serves), with POSIX
/// calls rather than Foundation, which the binary does not link.
public enum FileBytes {
    /// The bytes of the file at `path`; reads that a signal interrupts are retried.
    public static func read(atPath path: String) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FileError(path: path, operation: .open, errorNumber: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Self.readSome(descriptor, into: $0) }
            if count == 0 {
                return bytes
            }
            if count < 0 {
                if errno == EINTR {
                    continue
                }
                throw FileError(path: path, operation: .read, errorNumber: errno)
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// `read(2)`, named apart so the static `read(atPath:)` does not hide it.
    private static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        #if canImport(Darwin)
        Darwin.read(descriptor, buffer.baseAddress, buffer.count)
        #elseif canImport(Musl)
        Musl.read(descriptor, buffer.baseAddress, buffer.count)
        #else
        Glibc.read(descriptor, buffer.baseAddress, buffer.count)
        #endif
    }
}

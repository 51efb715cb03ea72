#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FileBytes {
    /// Replaces the file at `path` with `bytes` all at once: they are written to `path.tmp`
    /// and renamed over it, so a reader (or a crash) sees the old file or the new one, never
    /// half of one.
    public static func write(_ bytes: [UInt8], atomicallyTo path: String, mode: mode_t = 0o600) throws(FileError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw FileError(path: temporary, operation: .create, errorNumber: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Self.writeSome(descriptor, from: $0, at: written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let error = FileError(path: temporary, operation: .write, errorNumber: errno)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = FileError(path: path, operation: .rename, errorNumber: errno)
            unlink(temporary)
            throw error
        }
    }

    /// Moves the file at `path` to `target`, replacing what is there.
    public static func move(_ path: String, to target: String) throws(FileError) {
        guard rename(path, target) == 0 else {
            throw FileError(path: path, operation: .rename, errorNumber: errno)
        }
    }

    /// `write(2)` of the bytes from `offset` on.
    private static func writeSome(_ descriptor: Int32, from buffer: UnsafeRawBufferPointer, at offset: Int) -> Int {
        #if canImport(Darwin)
        Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        #elseif canImport(Musl)
        Musl.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        #else
        Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        #endif
    }
}

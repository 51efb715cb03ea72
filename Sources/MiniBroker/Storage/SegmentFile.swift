import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file used with positional I/O (pread/pwrite), so appends and reads never share a file
/// position. Its descriptor is borrowed from a `FileDescriptorCache` for each operation, so a
/// broker with many partitions keeps only the files in use open.
///
/// Writes, truncation and `rename` happen under the partition's lock. Reads of a closed
/// segment may also come from the log cleaner without the lock, concurrently with reads under
/// it: `pread` has no shared file position, and the cache keeps the descriptor open while any
/// of them uses it.
final class SegmentFile {
    /// Where the file is now; changes only with `rename`, under the partition's lock, or before
    /// the file is shared (the cleaner's new segments).
    private(set) var path: String
    private let flags: Int32
    private let cache: FileDescriptorCache
    private let key: FileDescriptorCache.Key

    /// Opens `path` for reading and writing (or only reading), creating it when missing. The
    /// file is opened once here, so a missing directory or a full disk shows at once.
    init(path: String, readOnly: Bool = false, cache: FileDescriptorCache = .shared) throws {
        self.path = path
        // O_CREAT only for this first open: a file reopened after eviction must still exist.
        self.flags = readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CLOEXEC
        self.cache = cache
        self.key = cache.register()
        _ = try cache.checkout(key, path: path, flags: readOnly ? flags : flags | O_CREAT)
        cache.checkin(key)
    }

    deinit { close() }

    /// Runs `body` with the file's descriptor, which stays open until `body` returns.
    func withDescriptor<Result>(_ body: (Int32) throws -> Result) throws -> Result {
        let descriptor = try cache.checkout(key, path: path, flags: flags)
        defer { cache.checkin(key) }
        return try body(descriptor)
    }

    /// Current length of the file in bytes.
    func size() throws -> Int {
        Int(try status().st_size)
    }

    /// Last modification time in milliseconds since the epoch.
    func lastModifiedMilliseconds() throws -> Int64 {
        let info = try status()
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    private func status() throws -> stat {
        try withDescriptor { descriptor in
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw Self.failure("stat", path) }
            return info
        }
    }

    /// Writes all readable bytes of `buffer` at `offset`.
    func write(_ buffer: ByteBuffer, at offset: Int) throws {
        try buffer.withUnsafeReadableBytes { try write($0, at: offset) }
    }

    /// Writes a record batch at `offset` with its first 8 bytes (the base offset) replaced by
    /// `baseOffset`, in one pwritev: the broker assigns offsets without copying the batch it
    /// received (the CRC does not cover those bytes).
    func write(batch: ByteBuffer, baseOffset: Int64, at offset: Int) throws {
        var prefix = baseOffset.bigEndian
        try withUnsafeBytes(of: &prefix) { prefixBytes in
            try batch.withUnsafeReadableBytes { body in
                let rest = UnsafeRawBufferPointer(rebasing: body[8...])
                var vectors = [
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: prefixBytes.baseAddress), iov_len: 8),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: rest.baseAddress), iov_len: rest.count),
                ]
                let written = try withDescriptor { descriptor in
                    let written = pwritev(descriptor, &vectors, 2, off_t(offset))
                    if written < 0 && errno != EINTR { throw Self.failure("write", path) }
                    return written
                }
                if written == 8 + rest.count { return }
                // Interrupted or short: finish with positional writes of what is left.
                let done = max(0, written)
                if done < 8 {
                    try write(UnsafeRawBufferPointer(rebasing: prefixBytes[done...]), at: offset + done)
                    try write(rest, at: offset + 8)
                } else {
                    try write(UnsafeRawBufferPointer(rebasing: rest[(done - 8)...]), at: offset + done)
                }
            }
        }
    }

    /// Writes all of `bytes` at `offset`, retrying short writes.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try withDescriptor { descriptor in
            var done = 0
            while done < bytes.count {
                let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure("write", path)
                }
                if written == 0 { throw Self.failure("write", path) }
                done += written
            }
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: Int, count: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        guard count > 0 else { return buffer }
        let descriptor = try cache.checkout(key, path: path, flags: flags)
        defer { cache.checkin(key) }
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            var done = 0
            while done < count {
                let got = pread(descriptor, target.baseAddress! + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure("read", path)
                }
                if got == 0 { break }
                done += got
            }
            return done
        }
        return buffer
    }

    /// A new descriptor for the same open file, owned by the caller. A Fetch response sent
    /// with sendfile keeps it until the bytes are on the socket, so a segment deleted by
    /// retention in the meantime still reads correctly.
    func duplicateDescriptor() throws -> Int32 {
        try withDescriptor { descriptor in
            let copy = dup(descriptor)
            guard copy >= 0 else { throw Self.failure("dup", path) }
            return copy
        }
    }

    /// Reads a big-endian Int32 at `offset`, nil past the end of the file.
    func readInt32(at offset: Int) throws -> Int32? {
        var value: Int32 = 0
        let descriptor = try cache.checkout(key, path: path, flags: flags)
        defer { cache.checkin(key) }
        let got = try withUnsafeMutableBytes(of: &value) { target -> Int in
            while true {
                let got = pread(descriptor, target.baseAddress!, 4, off_t(offset))
                if got < 0 && errno == EINTR { continue }
                if got < 0 { throw Self.failure("read", path) }
                return got
            }
        }
        return got == 4 ? Int32(bigEndian: value) : nil
    }

    /// Forces written data to the device. fdatasync also writes the file length, which is
    /// all the metadata a later read needs.
    func sync() throws {
        try withDescriptor { descriptor in
            #if canImport(Glibc)
            guard fdatasync(descriptor) == 0 else { throw Self.failure("fdatasync", path) }
            #else
            guard fsync(descriptor) == 0 else { throw Self.failure("fsync", path) }
            #endif
        }
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: Int) throws {
        try withDescriptor { descriptor in
            guard ftruncate(descriptor, off_t(length)) == 0 else { throw Self.failure("truncate", path) }
        }
    }

    /// Renames the file. An open descriptor stays valid; a later reopen uses the new name.
    func rename(to newPath: String) throws {
        try FileSystem.move(path, to: newPath)
        path = newPath
    }

    /// Closes the descriptor if the cache holds one; a later operation opens the file again.
    func close() {
        cache.close(key)
    }

    static func failure(_ operation: String, _ path: String) -> StorageError {
        StorageError(.fileSystem, "\(operation) \(path) failed: \(String(cString: strerror(errno)))")
    }
}

/// The C `close`, out of reach inside types whose own `close()` shadows it.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few directory operations the logs need, over POSIX calls.
enum FileSystem {
    static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates `path` and its missing parents.
    static func createDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw SegmentFile.failure("mkdir", current)
            }
        }
    }

    /// Names of the entries of a directory, without `.` and `..`.
    static func contents(of path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw SegmentFile.failure("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The size of the file at `path` in bytes, nil when it cannot be read.
    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw SegmentFile.failure("unlink", path) }
    }

    /// Removes a directory and everything below it.
    static func removeTree(_ path: String) throws {
        guard isDirectory(path) else { return try removeFile(path) }
        for name in try contents(of: path) {
            try removeTree(path + "/" + name)
        }
        if rmdir(path) != 0 && errno != ENOENT { throw SegmentFile.failure("rmdir", path) }
    }

    /// Renames `path` to `newPath` (atomically replacing it if it exists).
    static func move(_ path: String, to newPath: String) throws {
        guard rename(path, newPath) == 0 else { throw SegmentFile.failure("rename", path + " to " + newPath) }
    }

    /// Replaces the file at `path` with `bytes` so that a crash at any moment leaves either the
    /// old or the new content, never a mix: write a temporary file, fsync it, rename it over
    /// `path`, fsync the directory.
    /// `mode` sets the permissions of a new file (0o600 for secrets).
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String, mode: mode_t = 0o644) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SegmentFile.failure("open", temporary) }
        defer { close(descriptor) }
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw SegmentFile.failure("write", temporary) }
            done += written
        }
        guard fsync(descriptor) == 0 else { throw SegmentFile.failure("fsync", temporary) }
        try move(temporary, to: path)
        try syncDirectory(directory)
    }

    /// The whole content of a small file, nil when it does not exist or cannot be read.
    static func readSmallFile(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: limit)
        var done = 0
        while done < limit {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, limit - done) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return nil }
            if got == 0 { break }
            done += got
        }
        return Array(bytes[..<done])
    }

    /// fsyncs a directory, so a file created, renamed or removed in it stays so after a power cut.
    /// Writes every file's data and metadata on the file system holding `path` to the device
    /// in one call: cheaper than an fsync per file when thousands of files changed.
    static func syncFileSystem(containing path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SegmentFile.failure("open", path) }
        defer { close(descriptor) }
        #if canImport(Glibc)
        guard linuxSyncFileSystem(descriptor) == 0 else { throw SegmentFile.failure("syncfs", path) }
        #else
        guard fsync(descriptor) == 0 else { throw SegmentFile.failure("fsync", path) }
        #endif
    }

    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SegmentFile.failure("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw SegmentFile.failure("fsync", path) }
    }
}

#if canImport(Glibc)
/// glibc's syncfs(2), which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
@_silgen_name("syncfs")
private func linuxSyncFileSystem(_ descriptor: Int32) -> Int32
#endif

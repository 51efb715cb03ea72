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

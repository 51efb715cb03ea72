#if canImport(Glibc)
import Glibc
#endif

/// Disk use of the data directory: what the appliance stores and what is left.
public enum DiskUsage {
    /// Bytes of every file under `path` (0 when it does not exist).
    public static func bytes(under path: String) -> Int64 {
        var status = stat()
        guard lstat(path, &status) == 0 else { return 0 }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return Int64(status.st_size) }
        guard let directory = opendir(path) else { return 0 }
        defer { closedir(directory) }
        var total: Int64 = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            total += bytes(under: path + "/" + name)
        }
        return total
    }

    /// Bytes free for an unprivileged user on the file system holding `path`.
    public static func freeBytes(at path: String) -> Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// `12.3 MB`, `4.0 GB`: sizes for people.
    public static func describe(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

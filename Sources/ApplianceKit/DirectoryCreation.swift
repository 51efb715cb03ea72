#if canImport(Glibc)
import Glibc
#endif

/// Creates `path` and any missing parents (`mkdir -p`), so `--data-dir /srv/aseed/data` works
/// on a fresh machine; names the directory and the reason when it cannot. Directories made
/// here get `mode` (less the umask); existing ones are left as they are.
///
/// - Throws: `ConfigurationError` naming `key` and the directory that could not be made.
public func createDirectories(_ path: String, for key: String, mode: mode_t = 0o755) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        current += "/" + component
        if mkdir(current, mode) != 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            throw ConfigurationError("\(key): cannot create directory '\(current)' (\(reason))")
        }
    }
}

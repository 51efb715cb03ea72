#if canImport(Glibc)
import Glibc
#endif

/// Creates `path` and any missing parents (`mkdir -p`), so `--data-dir /srv/aseed/data` works
/// on a fresh machine; names the directory and the reason when it cannot.
func createDirectories(_ path: String, for key: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        current += "/" + component
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw ConfigurationError("\(key): cannot create directory '\(current)' (\(String(cString: strerror(errno))))")
        }
    }
}

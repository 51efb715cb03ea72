/// A file the dashboard serves from memory (the page, its CSS and JavaScript): the caller
/// embeds them in the binary and hands them over by name.
public struct StaticAsset: Sendable {
    /// The `Content-Type` it is served with, e.g. `text/html; charset=utf-8`.
    public var contentType: String
    /// The file's bytes.
    public var bytes: [UInt8]

    /// An asset from its type and bytes.
    public init(contentType: String, bytes: [UInt8]) {
        self.contentType = contentType
        self.bytes = bytes
    }

    /// An asset from text (UTF-8).
    public init(contentType: String, text: String) {
        self.init(contentType: contentType, bytes: Array(text.utf8))
    }

    /// The content type for a file name by its extension; `application/octet-stream` for
    /// extensions the page does not use.
    public static func contentType(forName name: String) -> String {
        let suffix = name.split(separator: ".").last.map(String.init) ?? ""
        switch suffix {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension StaticAsset {
    /// A file read from disk now (Chart.js from Debian's package); nil when it cannot be read.
    public static func file(atPath path: String, contentType: String) -> StaticAsset? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return ferror(handle) == 0 ? StaticAsset(contentType: contentType, bytes: bytes) : nil
    }
}

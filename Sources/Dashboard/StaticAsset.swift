#if canImport(Glibc)
import Glibc
#endif

/// One file the dashboard serves as is: a page, a style sheet, a script. The page's own
/// files are embedded in the binary (`EmbeddedAssets`); Chart.js is read from disk.
public struct StaticAsset: Sendable {
    /// The `Content-Type` header, with its charset for text.
    public let contentType: String
    /// The bytes sent as the response body.
    public let body: [UInt8]

    /// An asset from its content type and bytes.
    public init(contentType: String, body: [UInt8]) {
        self.contentType = contentType
        self.body = body
    }

    /// An asset from text (UTF-8).
    public init(contentType: String, text: String) {
        self.init(contentType: contentType, body: Array(text.utf8))
    }

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
        return ferror(handle) == 0 ? StaticAsset(contentType: contentType, body: bytes) : nil
    }
}

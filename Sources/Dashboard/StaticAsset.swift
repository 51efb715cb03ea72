import Common

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
        guard let bytes = try? FileBytes.read(atPath: path) else {
            return nil
        }
        return StaticAsset(contentType: contentType, body: bytes)
    }
}

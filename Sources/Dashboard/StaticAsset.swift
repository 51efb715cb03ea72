/// One file the dashboard serves as is: a page, a style sheet, a script.
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
}

import Common
import HTTPTypes
import Hummingbird

/// An error answer of the API: `{"error": "<code>", "message": "<what went wrong and what to do>"}`
/// with its status. Thrown by handlers; the response policy turns it into the JSON response.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A short machine-readable code (`unauthorized`, `invalid-json`, ...).
    public var code: String
    /// What went wrong and what to do, for a person.
    public var message: String
    /// Extra headers (`Allow` on 405).
    public var headers: HTTPFields

    /// An error with its status, code and message.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    var json: JSONWriter {
        var writer = JSONWriter(reservingCapacity: 128 + message.utf8.count)
        writer.beginObject()
        writer.key("error")
        writer.string(code)
        writer.key("message")
        writer.string(message)
        writer.endObject()
        return writer
    }

    /// The response carrying this error.
    func response() -> Response {
        var response = Response.json(json, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(.badRequest, code, message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, "not-found", message)
    }
}

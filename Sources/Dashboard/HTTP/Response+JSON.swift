import Common
import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer (`application/json; charset=utf-8`) from a writer's bytes.
    static func json(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: writer.bytes, status: status)
    }

    /// A JSON answer from bytes that already are JSON.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        body(bytes, contentType: "application/json; charset=utf-8", status: status)
    }

    /// An answer with a body of the given type.
    static func body(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A file to download (`Content-Disposition: attachment`) named `fileName`, which must be
    /// plain (topic names are: letters, digits, `.`, `_`, `-`).
    static func download(_ bytes: [UInt8], contentType: String, fileName: String) -> Response {
        var response = body(bytes, contentType: contentType)
        response.headers[.contentDisposition] = "attachment; filename=\"\(fileName)\""
        return response
    }

    /// A JSON object built by `build`.
    static func jsonObject(
        status: HTTPResponse.Status = .ok,
        capacity: Int = 1024,
        _ build: (inout JSONWriter) -> Void
    ) -> Response {
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.beginObject()
        build(&writer)
        writer.endObject()
        return json(writer, status: status)
    }
}

import FoundationEssentials
import Hummingbird

/// Reads a request body as JSON into a `Decodable`, within the body limit, with errors that
/// name the problem: the position of a syntax error, the path of a missing or mistyped field.
enum JSONBody {
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, limit: Int) async throws -> Value {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("empty-body", "the request has no body: send a JSON object")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(code(of: error), describe(error))
        }
    }

    private static func code(of error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "invalid-json"
        case .keyNotFound: return "missing-field"
        case .valueNotFound: return "missing-field"
        default: return "wrong-type"
        }
    }

    /// `missing field products[2].avg_price`, `wrong type at products[0].price: expected Double`,
    /// `malformed JSON: Unexpected character 'x' around line 1, column 7`.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(path(context.codingPath + [key]))"
        case .valueNotFound(let type, let context):
            return "missing field \(path(context.codingPath)): expected \(typeName(type)), got null"
        case .typeMismatch(let type, let context):
            return "wrong type at \(path(context.codingPath)): expected \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = context.underlyingError.map { "\($0)" } ?? context.debugDescription
                return "malformed JSON: \(detail)"
            }
            return "bad value at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the body does not match the expected JSON: \(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "the body" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int64.Type, is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is [Any].Type: return "an array"
        default: return "\(type)"
        }
    }
}

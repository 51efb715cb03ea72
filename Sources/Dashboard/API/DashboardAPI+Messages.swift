import Common
import Hummingbird
import KafkaWire

/// The console's message viewer: search a topic, export what was found.
extension DashboardAPI {
    /// `GET /api/broker/messages?topic=T`: the records a `MessageQuery` asks for (see
    /// `messageQuery`), as JSON, or with `format=jsonl` or `format=csv` as a file to download.
    func brokerMessages(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = try Self.messageQuery(request)
        let format = FormQuery(request).get("format") ?? "json"
        guard ["json", "jsonl", "csv"].contains(format) else {
            throw APIError.badRequest("invalid-parameter", "format must be json, jsonl or csv, got '\(format)'")
        }
        let messages = try await withConsole { try await $0.messages(query) }
        switch format {
        case "jsonl":
            var lines: [UInt8] = []
            for message in messages {
                var line = JSONWriter(reservingCapacity: 256)
                write(message, to: &line)
                lines += line.bytes
                lines.append(UInt8(ascii: "\n"))
            }
            return .download(lines, contentType: "application/jsonl", fileName: "\(query.topic)-messages.jsonl")
        case "csv":
            let text = MessageCSV.text(messages)
            return .download(
                Array(text.utf8),
                contentType: "text/csv; charset=utf-8",
                fileName: "\(query.topic)-messages.csv"
            )
        default:
            return .jsonObject(capacity: 16 * 1024) { writer in
                writer.key("messages")
                writer.beginArray()
                for message in messages { write(message, to: &writer) }
                writer.endArray()
            }
        }
    }

    /// The query of `/api/broker/messages`: `topic` (required), `partition`, `limit` (1-200,
    /// default 20), `filter` (key or value contains), `key`, `value`, `header` (`name` or
    /// `name=text`), `from` and `to` (ms since the epoch, or an ISO 8601 time), `from_offset`.
    static func messageQuery(_ request: Request) throws(APIError) -> MessageQuery {
        let parameters = FormQuery(request)
        guard let topic = parameters.get("topic"), !topic.isEmpty else {
            throw APIError.badRequest("missing-parameter", "topic is required: /api/broker/messages?topic=orders")
        }
        func text(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var query = MessageQuery(topic: topic, limit: try integer(request, "limit", default: 20, in: 1...200))
        query.partition = try text("partition").map { text throws(APIError) in
            try nonNegative(text, "partition", as: Int32.self, "a partition number")
        }
        query.text = text("filter")
        query.key = text("key")
        query.value = text("value")
        query.header = text("header")
        query.fromMillis = try text("from").map { text throws(APIError) in try time(text, "from") }
        query.toMillis = try text("to").map { text throws(APIError) in try time(text, "to") }
        query.fromOffset = try text("from_offset").map { text throws(APIError) in
            try nonNegative(text, "from_offset", as: Int64.self, "an offset")
        }
        return query
    }

    /// `text` as a number of 0 or more; 400 naming the parameter and what it must be otherwise.
    private static func nonNegative<Number: FixedWidthInteger>(
        _ text: String,
        _ name: String,
        as type: Number.Type,
        _ what: String
    ) throws(APIError) -> Number {
        guard let number = Number(text), number >= 0 else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be \(what) (0 or more), got '\(text)'")
        }
        return number
    }

    /// Milliseconds since the epoch, given as such or as an ISO 8601 time.
    private static func time(_ text: String, _ name: String) throws(APIError) -> Int64 {
        if let millis = Int64(text) { return millis }
        if let micros = TimestampParser.epochMicros(text) { return micros / 1000 }
        throw APIError.badRequest(
            "invalid-parameter",
            "\(name) must be milliseconds since the epoch or a time like 2026-12-06T09:00:00Z, got '\(text)'"
        )
    }

    func write(_ message: ConsoleMessage, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("partition")
        writer.integer(message.partition)
        writer.key("offset")
        writer.integer(message.offset)
        writer.key("timestamp")
        writer.timestamp(micros: message.timestampMillis * 1000)
        writer.key("key")
        if let key = message.key { writer.string(key) } else { writer.null() }
        writer.key("value")
        if let value = message.value { writer.string(value) } else { writer.null() }
        writer.key("headers")
        writer.beginObject()
        for header in message.headers {
            writer.key(header.key)
            writer.string(header.value)
        }
        writer.endObject()
        writer.endObject()
    }
}

import FoundationEssentials
import HTTPTypes
import Hummingbird
import KafkaWire

/// The console's changes to topics, behind the admin token. Each is logged with who asked
/// (the `X-Operator` name the console sends, else "the admin token") and what it did; the
/// cluster's refusals come back as sentences saying what fixes them (`BrokerRefusal`).
extension DashboardAPI {
    private struct NewTopicBody: Decodable {
        var name: String
        var partitions: Int32?
        var configs: [String: String]?
    }

    private struct PartitionsBody: Decodable {
        var count: Int32
    }

    private struct ConfigsBody: Decodable {
        var set: [String: String]?
        var delete: [String]?
    }

    private struct DeleteRecordsBody: Decodable {
        var partition: Int32?
        /// Records below this offset go; -1 for all of them.
        var before: Int64
    }

    private struct RecordBody: Decodable {
        struct Header: Decodable {
            var key: String
            var value: String
        }

        var partition: Int32?
        var key: String?
        var value: String?
        var headers: [Header]?
    }

    /// `POST /api/broker/topics`: creates a topic (201).
    func createTopic(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let body = try await JSONBody.decode(NewTopicBody.self, from: request, limit: configuration.bodyLimit)
        let partitions = body.partitions ?? 1
        let configs = body.configs ?? [:]
        try await act(request, "creating topic '\(body.name)'") {
            try await $0.createTopic(body.name, partitions: partitions, configs: configs)
        }
        let settings = configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        audit(request, "created topic '\(body.name)' with \(partitions) partitions \(settings)")
        return .jsonObject(status: .created) { writer in
            writer.key("topic")
            writer.string(body.name)
            writer.key("partitions")
            writer.integer(Int(partitions))
        }
    }

    /// `DELETE /api/broker/topics/{name}?confirm={name}`: deletes a topic and its records; the
    /// confirmation repeats the name, so a slip of the hand or a stale page cannot delete another.
    func deleteTopic(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = context.parameters.get("name") ?? ""
        try Self.requireConfirmation(request, of: name, "deleting topic '\(name)' removes all its records")
        try await act(request, "deleting topic '\(name)'") { try await $0.deleteTopic(name) }
        audit(request, "deleted topic '\(name)'")
        return Self.deleted(name)
    }

    /// `POST /api/broker/topics/{name}/partitions`: grows the topic to `count` partitions.
    func addPartitions(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = context.parameters.get("name") ?? ""
        let body = try await JSONBody.decode(PartitionsBody.self, from: request, limit: configuration.bodyLimit)
        try await act(request, "adding partitions to topic '\(name)'") {
            try await $0.addPartitions(name, totalCount: body.count)
        }
        audit(request, "grew topic '\(name)' to \(body.count) partitions")
        return .jsonObject { writer in
            writer.key("topic")
            writer.string(name)
            writer.key("partitions")
            writer.integer(Int(body.count))
        }
    }

    /// `POST /api/broker/topics/{name}/configs`: sets and removes topic configs, all or none.
    func alterTopicConfigs(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = context.parameters.get("name") ?? ""
        let body = try await JSONBody.decode(ConfigsBody.self, from: request, limit: configuration.bodyLimit)
        let set = (body.set ?? [:]).sorted { $0.key < $1.key }
        let removed = body.delete ?? []
        guard !set.isEmpty || !removed.isEmpty else {
            throw APIError.badRequest(
                "nothing-to-change",
                #"name configs to change: {"set": {"retention.ms": "3600000"}, "delete": ["segment.ms"]}"#
            )
        }
        let changes = set.map { KafkaAdmin.ConfigChange.set($0.key, $0.value) } + removed.map { .delete($0) }
        try await act(request, "changing the configs of topic '\(name)'") {
            try await $0.alterTopicConfigs(name, changes)
        }
        let described = set.map { "\($0.key)=\($0.value)" } + removed.map { "\($0) removed" }
        audit(request, "changed configs of topic '\(name)': \(described.joined(separator: ", "))")
        return .jsonObject { writer in
            writer.key("topic")
            writer.string(name)
            writer.key("changed")
            writer.beginArray()
            for entry in described { writer.string(entry) }
            writer.endArray()
        }
    }

    /// `POST /api/broker/topics/{name}/delete-records`: deletes records below an offset (-1:
    /// all) in one partition or all; answers the new earliest offsets.
    func deleteRecords(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = context.parameters.get("name") ?? ""
        let body = try await JSONBody.decode(DeleteRecordsBody.self, from: request, limit: configuration.bodyLimit)
        guard body.before >= -1 else {
            throw APIError.badRequest("invalid-offset", "before must be an offset (0 or more), or -1 for all records")
        }
        let earliest = try await act(request, "deleting records of topic '\(name)'") {
            try await $0.deleteRecords(name, partition: body.partition, before: body.before)
        }
        let which = body.partition.map { "partition \($0)" } ?? "every partition"
        let below = body.before == -1 ? "all records" : "records below offset \(body.before)"
        audit(request, "deleted \(below) of topic '\(name)', \(which)")
        return .jsonObject { writer in
            writer.key("topic")
            writer.string(name)
            writer.key("partitions")
            writer.beginArray()
            for (partition, offset) in earliest.sorted(by: { $0.key < $1.key }) {
                writer.beginObject()
                writer.key("partition")
                writer.integer(Int(partition))
                writer.key("earliest_offset")
                writer.integer(Int(offset))
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// `POST /api/broker/topics/{name}/records`: writes one record (201), to the partition
    /// given or the one its key maps to; answers where it landed.
    func writeRecord(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = context.parameters.get("name") ?? ""
        let body = try await JSONBody.decode(RecordBody.self, from: request, limit: configuration.bodyLimit)
        let draft = ConsoleRecordDraft(
            partition: body.partition,
            key: body.key,
            value: body.value,
            headers: (body.headers ?? []).map { ConsoleHeader(key: $0.key, value: $0.value) }
        )
        let written = try await act(request, "writing a record to topic '\(name)'") {
            try await $0.writeRecord(draft, to: name)
        }
        let size = draft.value?.utf8.count ?? 0
        audit(request, "wrote a record of \(size) bytes to \(name)-\(written.partition) at offset \(written.offset)")
        return .jsonObject(status: .created) { writer in
            writer.key("topic")
            writer.string(name)
            writer.key("partition")
            writer.integer(Int(written.partition))
            writer.key("offset")
            writer.integer(Int(written.offset))
        }
    }

    /// Runs an action on the console, turning a refusal into its API error; a refused change is
    /// logged (`logsRefusal`), since the operator may not be looking at the page that asked.
    func act<Value>(
        _ request: Request,
        _ action: String,
        logsRefusal: Bool = true,
        _ body: (any BrokerConsoleSource) async throws -> Value
    ) async throws -> Value {
        let console = try requireConsole()
        do {
            return try await body(console)
        } catch {
            let refusal = BrokerRefusal.apiError(for: error, while: action)
            if logsRefusal {
                logger.warning("console action by \(Self.operatorName(of: request)) refused: \(refusal.message)")
            }
            throw refusal
        }
    }

    /// A deletion must repeat what it deletes as `?confirm=`, so a slip of the hand or a stale
    /// page cannot delete something else; 400 `confirmation-needed` saying `consequence` otherwise.
    static func requireConfirmation(_ request: Request, of name: String, _ consequence: String) throws(APIError) {
        guard FormQuery(request).get("confirm") == name else {
            throw APIError.badRequest("confirmation-needed", "\(consequence): repeat it as ?confirm=\(name)")
        }
    }

    /// The answer to a deletion: `{"deleted": name}`.
    static func deleted(_ name: String) -> Response {
        .jsonObject { writer in
            writer.key("deleted")
            writer.string(name)
        }
    }

    /// Logs a change made, with who asked.
    func audit(_ request: Request, _ what: String) {
        logger.notice("console action by \(Self.operatorName(of: request)): \(what)")
    }

    /// Who asked, for the log: the `X-Operator` header the console sends.
    static func operatorName(of request: Request) -> String {
        operatorName(fromHeader: HTTPField.Name("X-Operator").flatMap { request.headers[$0] })
    }

    /// The name an `X-Operator` header gives, kept to printable ASCII and 64 characters so a log
    /// line can be neither forged nor flooded; "the admin token" without one.
    static func operatorName(fromHeader value: String?) -> String {
        let kept = (value ?? "").unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }.prefix(64)
        let name = String(String.UnicodeScalarView(kept)).split(separator: " ").joined(separator: " ")
        return name.isEmpty ? "the admin token" : "'\(name)'"
    }
}

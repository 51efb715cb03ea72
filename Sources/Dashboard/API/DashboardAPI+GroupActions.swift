import Common
import FoundationEssentials
import Hummingbird
import KafkaWire

/// The console's changes to consumer groups: an offset reset, previewed first (`GET`, nothing
/// changes) and applied (`POST`, admin token), and deleting a group (admin token, its id
/// repeated). Both need a group without members; the cluster says so otherwise.
extension DashboardAPI {
    private struct ResetBody: Decodable {
        var topic: String?
        var to: String
        var value: Int64?
    }

    /// `GET /api/broker/groups/{id}/reset-plan?to=earliest|latest|time|offset|shift&value=N&topic=T`:
    /// where a reset would move the group's offsets, and the lag it would leave.
    func groupResetPlan(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = FormQuery.decodePathSegment(context.parameters.get("id") ?? "")
        let query = FormQuery(request)
        let target = try Self.resetTarget(query.get("to"), value: query.get("value").map { Int64($0) })
        let topic = query.get("topic").flatMap { $0.isEmpty ? nil : $0 }
        let plan = try await act(request, "planning an offset reset of group '\(id)'", logsRefusal: false) {
            try await $0.planOffsetReset(group: id, topic: topic, to: target)
        }
        return .json(Self.json(plan, applied: false))
    }

    /// `POST /api/broker/groups/{id}/reset-offsets` with `{to, value, topic}`: applies the reset
    /// to an idle group and answers the plan applied.
    func resetGroupOffsets(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let id = FormQuery.decodePathSegment(context.parameters.get("id") ?? "")
        let body = try await JSONBody.decode(ResetBody.self, from: request, limit: configuration.bodyLimit)
        let target = try Self.resetTarget(body.to, value: body.value)
        let topic = body.topic.flatMap { $0.isEmpty ? nil : $0 }
        let plan = try await act(request, "resetting the offsets of group '\(id)'") {
            try await $0.resetOffsets(group: id, topic: topic, to: target)
        }
        let partitions = plan.moves.map { "\($0.partition)→\($0.target)" }.joined(separator: " ")
        audit(request, "reset the offsets of group '\(id)' to \(target): \(partitions)")
        return .json(Self.json(plan, applied: true))
    }

    /// `DELETE /api/broker/groups/{id}?confirm={id}`: deletes an idle group and its offsets.
    func deleteGroup(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let id = FormQuery.decodePathSegment(context.parameters.get("id") ?? "")
        try Self.requireConfirmation(request, of: id, "deleting group '\(id)' removes its committed offsets")
        try await act(request, "deleting group '\(id)'") { try await $0.deleteGroup(id) }
        audit(request, "deleted group '\(id)'")
        return Self.deleted(id)
    }

    /// The target a request names; 400 saying what is expected otherwise. `value` is the time
    /// in milliseconds since the epoch, the offset, or the shift.
    static func resetTarget(_ name: String?, value: Int64??) throws(APIError) -> KafkaAdmin.OffsetResetTarget {
        func needValue(_ what: String) throws(APIError) -> Int64 {
            guard case .some(.some(let number)) = value else {
                throw APIError.badRequest("invalid-target", "to=\(name ?? "") needs value=\(what)")
            }
            return number
        }
        switch name {
        case "earliest": return .earliest
        case "latest": return .latest
        case "time": return .time(try needValue("milliseconds since the epoch"))
        case "offset": return .offset(try needValue("an offset"))
        case "shift": return .shift(try needValue("a number of records (negative: back)"))
        default:
            throw APIError.badRequest(
                "invalid-target",
                "to must be earliest, latest, time, offset or shift, got '\(name ?? "")'"
            )
        }
    }

    private static func json(_ plan: KafkaAdmin.OffsetResetPlan, applied: Bool) -> JSONWriter {
        var writer = JSONWriter(reservingCapacity: 256 + 96 * plan.moves.count)
        writer.beginObject()
        writer.key("group_id")
        writer.string(plan.groupID)
        writer.key("target")
        writer.string(plan.target.description)
        writer.key("applied")
        writer.bool(applied)
        writer.key("partitions")
        writer.beginArray()
        for move in plan.moves {
            writer.beginObject()
            writer.key("topic")
            writer.string(move.partition.topic)
            writer.key("partition")
            writer.integer(Int(move.partition.partition))
            writer.key("current")
            if let current = move.current { writer.integer(Int(current)) } else { writer.null() }
            writer.key("new")
            writer.integer(Int(move.target))
            writer.key("latest")
            writer.integer(Int(move.latest))
            writer.key("lag_after")
            writer.integer(Int(move.lagAfter))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer
    }
}

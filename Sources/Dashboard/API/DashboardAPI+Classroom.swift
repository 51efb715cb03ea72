import Common
import Hummingbird

/// Between classes: the reset to a fresh class, and named snapshots of the appliance's state.
/// All but the list of snapshots need the admin token.
extension DashboardAPI {
    func classroomRoutes() -> [(Route, Handler)] {
        let name = Route.Parameter(name: "name", inPath: true, description: "the snapshot's name")
        return [
            (
                Route(
                    method: .post,
                    path: "/api/class/reset",
                    summary:
                        """
                        Start a fresh class: student topics and groups removed, the lab's progress archived, the \
                        orders kept or truncated, the simulator restarted with a seed and scenario
                        """,
                    needsToken: true,
                    bodySchema: "ClassReset",
                    errors: [400, 409, 503]
                ), resetClass
            ),
            (
                Route(
                    method: .get,
                    path: "/api/class/snapshots",
                    summary: "The named snapshots of the appliance's state, or why it can keep none"
                ), listSnapshots
            ),
            (
                Route(
                    method: .post,
                    path: "/api/class/snapshots",
                    summary: "Save the topics, offsets, analyzer checkpoint and simulator position under a name",
                    needsToken: true,
                    success: (201, "saved", "application/json"),
                    bodySchema: "SnapshotName",
                    errors: [400, 404, 409, 503]
                ), saveSnapshot
            ),
            (
                Route(
                    method: .post,
                    path: "/api/class/snapshots/{name}/restore",
                    summary: "Put the appliance's state back as the snapshot saved it",
                    needsToken: true,
                    parameters: [name],
                    errors: [400, 404, 409, 503]
                ), restoreSnapshot
            ),
            (
                Route(
                    method: .delete,
                    path: "/api/class/snapshots/{name}",
                    summary: "Delete a snapshot; ?confirm= repeats its name",
                    needsToken: true,
                    parameters: [
                        name, .init(name: "confirm", inPath: false, description: "the name again (required)"),
                    ],
                    errors: [400, 404, 409, 503]
                ), deleteSnapshot
            ),
        ]
    }

    /// The body of `POST /api/class/reset`.
    private struct ResetBody: Decodable {
        var orders: String
        /// Signed, so a negative seed is refused with its own message (JSON readers take one
        /// for a malformed body when it is read as unsigned).
        var seed: Int64?
        var scenario: String?
    }

    /// `POST /api/class/reset`: answers what was removed, archived and restarted.
    func resetClass(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let body = try await JSONBody.decode(ResetBody.self, from: request, limit: configuration.bodyLimit)
        guard let orders = ClassResetPlan.Orders(rawValue: body.orders) else {
            throw APIError.badRequest(
                "invalid-orders",
                #"orders is "keep" (the orders and the analyzer's figures stay) or "truncate" (both start anew)"#
            )
        }
        if let seed = body.seed, seed < 0 {
            throw APIError.badRequest(
                "invalid-seed",
                "seed is a whole number from 0 to \(Int64.max), or left out for a new one"
            )
        }
        let scenario = body.scenario.flatMap { $0.isEmpty ? nil : $0 }
        let plan = ClassResetPlan(orders: orders, seed: body.seed.map(UInt64.init), scenario: scenario)
        let reset = ClassReset(console: try requireConsole(), ordersTopics: await control.applianceTopics())
        var done: ClassResetReport
        do {
            (done, done.restart) = try await control.resetClass(plan) {
                var cleared = ClassResetReport()
                try await reset.clear(orders: orders, into: &cleared)
                return cleared
            }
        } catch let error as DashboardRequestError {
            throw Self.apiError(error)
        } catch {
            throw BrokerRefusal.apiError(for: error, while: "resetting the class")
        }
        done.archivedLab = try await archiveLab()
        audit(request, "reset the class: \(done.summary)")
        return .jsonObject { writer in write(done, to: &writer) }
    }

    /// Archives the lab's progress and starts the lab again, when one runs.
    private func archiveLab() async throws -> String? {
        guard let labs else { return nil }
        do {
            return try await labs.restartForNewClass()
        } catch {
            throw APIError(.serviceUnavailable, "unavailable", "the lab's progress could not be archived: \(error)")
        }
    }

    /// `GET /api/class/snapshots`: `{snapshots, unavailable}`, the reason in `unavailable` when
    /// this appliance can keep none (an external cluster), so a page can say so without a
    /// failed request.
    func listSnapshots(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var list: [ApplianceSnapshotSummary] = []
        var unavailable: String?
        do {
            list = try await control.snapshots()
        } catch let error as DashboardRequestError where error.kind == .notFound {
            unavailable = error.message
        } catch let error as DashboardRequestError {
            throw Self.apiError(error)
        }
        return .jsonObject { writer in
            writer.key("unavailable")
            if let unavailable { writer.string(unavailable) } else { writer.null() }
            writer.key("snapshots")
            writer.beginArray()
            for summary in list {
                writer.beginObject()
                write(summary, to: &writer)
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// `POST /api/class/snapshots`: `{"name": ...}`; 201 with what was saved.
    func saveSnapshot(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        struct Body: Decodable { var name: String }
        try authorize(request)
        let body = try await JSONBody.decode(Body.self, from: request, limit: configuration.bodyLimit)
        let summary = try await controlCall { try await $0.saveSnapshot(named: body.name) }
        audit(request, "saved snapshot '\(summary.name)' (\(summary.bytes) bytes)")
        return .jsonObject(status: .created) { writer in write(summary, to: &writer) }
    }

    /// `POST /api/class/snapshots/{name}/restore`.
    func restoreSnapshot(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = FormQuery.decodePathSegment(context.parameters.get("name") ?? "")
        let summary = try await controlCall { try await $0.restoreSnapshot(named: name) }
        audit(request, "restored snapshot '\(name)'")
        return .jsonObject { writer in write(summary, to: &writer) }
    }

    /// `DELETE /api/class/snapshots/{name}?confirm={name}`.
    func deleteSnapshot(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = FormQuery.decodePathSegment(context.parameters.get("name") ?? "")
        try Self.requireConfirmation(request, of: name, "deleting snapshot '\(name)' cannot be undone")
        try await controlCall { try await $0.deleteSnapshot(named: name) }
        audit(request, "deleted snapshot '\(name)'")
        return Self.deleted(name)
    }

    private func write(_ report: ClassResetReport, to writer: inout JSONWriter) {
        writer.key("removed_topics")
        writer.beginArray()
        for topic in report.removedTopics { writer.string(topic) }
        writer.endArray()
        writer.key("removed_groups")
        writer.beginArray()
        for group in report.removedGroups { writer.string(group) }
        writer.endArray()
        writer.key("kept_groups")
        writer.beginArray()
        for kept in report.keptGroups {
            writer.beginObject()
            writer.key("group")
            writer.string(kept.groupID)
            writer.key("reason")
            writer.string(kept.reason)
            writer.endObject()
        }
        writer.endArray()
        writer.key("deleted_orders")
        writer.integer(report.deletedRecords)
        writer.key("archived_lab")
        if let archived = report.archivedLab { writer.string(archived) } else { writer.null() }
        writer.key("seed")
        if let seed = report.restart.seed { writer.integer(seed) } else { writer.null() }
        writer.key("analyzer_reset")
        writer.bool(report.restart.analyzerReset)
        writer.key("summary")
        writer.string(report.summary)
    }

    /// A snapshot's fields, inside an object the caller opens.
    private func write(_ summary: ApplianceSnapshotSummary, to writer: inout JSONWriter) {
        writer.key("name")
        writer.string(summary.name)
        writer.key("saved_at")
        writer.timestamp(micros: summary.savedAtMillis * 1000)
        writer.key("bytes")
        writer.integer(summary.bytes)
        writer.key("topics")
        writer.beginArray()
        for topic in summary.topics {
            writer.beginObject()
            writer.key("name")
            writer.string(topic.name)
            writer.key("end_offsets")
            writer.beginArray()
            for offset in topic.endOffsets { writer.integer(offset) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("simulator_seed")
        if let seed = summary.simulatorSeed { writer.integer(seed) } else { writer.null() }
        writer.key("simulator_next_sequence")
        if let next = summary.simulatorNextSequence { writer.integer(next) } else { writer.null() }
        writer.key("analyzer_checkpoint")
        writer.bool(summary.hasAnalyzerCheckpoint)
    }
}

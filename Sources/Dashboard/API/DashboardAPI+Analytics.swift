import Analyzer
import Common
import Hummingbird
import KafkaWire

extension DashboardAPI {
    /// `/api/status` (the original's): health word, time and the headline figures.
    func status(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let view = await serviceView()
        let snapshot = snapshots.latest
        return .jsonObject { writer in
            writer.key("status")
            writer.string(view.apiStatus)
            writer.key("timestamp")
            writer.timestamp(micros: view.nowMicros)
            writer.key("total_orders")
            writer.integer(snapshot?.totals.orders ?? 0)
            writer.key("total_revenue")
            writer.cents(snapshot?.totals.revenueCents ?? 0)
            writer.key("orders_per_minute")
            writer.double(SnapshotViews.ordersPerMinute(snapshot), decimals: 1)
        }
    }

    /// `/api/service-status` (the original's, with every component listed).
    func serviceStatus(_ request: Request, _ context: BasicRequestContext) async -> Response {
        var writer = JSONWriter(reservingCapacity: 2048)
        await serviceView().write(to: &writer)
        return .json(writer)
    }

    /// `/api/dashboard_data` (the original's).
    func dashboardData(_ request: Request, _ context: BasicRequestContext) -> Response {
        .jsonObject(capacity: 32 * 1024) {
            SnapshotViews.writeDashboardData(snapshots.latest, nowMicros: WallClock.nowMicros, to: &$0)
        }
    }

    /// `/api/snapshot`: the whole snapshot; 503 before the first.
    func snapshot(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        .json(try latestSnapshot().jsonWriter())
    }

    /// `/api/windows?minutes=N`.
    func windows(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let minutes = try Self.integer(request, "minutes", default: 60, in: 1...(366 * 24 * 60))
        var writer = JSONWriter(reservingCapacity: 32 * 1024)
        SnapshotViews.writeWindows(snapshots.latest, minutes: minutes, to: &writer)
        return .json(writer)
    }

    /// `/api/top?span=all|5m|15m|60m&by=orders|units|revenue`.
    func top(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let spanName = FormQuery(request).get("span") ?? "all"
        guard let span = AnalyticsSnapshot.TopSpan(rawValue: spanName) else {
            throw APIError.badRequest("invalid-parameter", "span must be all, 5m, 15m or 60m, got '\(spanName)'")
        }
        let by = FormQuery(request).get("by") ?? "orders"
        guard ["orders", "units", "revenue"].contains(by) else {
            throw APIError.badRequest("invalid-parameter", "by must be orders, units or revenue, got '\(by)'")
        }
        let ranking = snapshots.latest?.topProducts.first { $0.span == span }
        let rows =
            switch by {
            case "units": ranking?.byUnits
            case "revenue": ranking?.byRevenue
            default: ranking?.byOrders
            }
        return .jsonObject { writer in
            writer.key("span")
            writer.string(span.rawValue)
            writer.key("by")
            writer.string(by)
            writer.key("products")
            writer.beginArray()
            for row in rows ?? [] { row.write(to: &writer) }
            writer.endArray()
        }
    }

    /// `/api/alerts`: newest first.
    func alerts(_ request: Request, _ context: BasicRequestContext) -> Response {
        .jsonObject { writer in
            writer.key("alerts")
            SnapshotViews.writeAlerts(snapshots.latest, to: &writer)
        }
    }

    /// `/api/pipeline`: the snapshot's pipeline object; 503 before the first snapshot.
    func pipeline(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        var writer = JSONWriter()
        try latestSnapshot().pipeline.write(to: &writer)
        return .json(writer)
    }

    private func latestSnapshot() throws(APIError) -> AnalyticsSnapshot {
        guard let snapshot = snapshots.latest else {
            throw APIError(
                .serviceUnavailable,
                "no-snapshot",
                """
                the analyzer has not published a snapshot yet (it starts within a trigger interval; with \
                --no-analyzer there is none)
                """
            )
        }
        return snapshot
    }
}

extension AnalyticsSnapshot {
    fileprivate func jsonWriter() -> JSONWriter {
        var writer = JSONWriter(reservingCapacity: 64 * 1024)
        write(to: &writer)
        return writer
    }
}

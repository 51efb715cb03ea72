import Common
import Hummingbird

extension DashboardAPI {
    /// Points answered at most: a day of 10-second samples is thinned to every n-th point.
    static let lagHistoryPoints = 720

    /// `GET /api/broker/groups/{id}/lag-history?minutes=N`: the group's lag over the last N
    /// minutes (default 60, at most 1440), oldest first, with its rate of consumption.
    func groupLagHistory(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = FormQuery.decodePathSegment(context.parameters.get("id") ?? "")
        let minutes = try Self.integer(request, "minutes", default: 60, in: 1...1440)
        guard let lagHistory else {
            throw APIError(
                .serviceUnavailable,
                "unavailable",
                "this dashboard keeps no lag history (it runs without a Kafka connection)"
            )
        }
        let since = WallClock.nowMilliseconds() - Int64(minutes) * 60_000
        let points = Self.thinned(LagPoint.points(of: try lagHistory.samples(group: id, sinceMillis: since)))
        return .jsonObject(capacity: 1024 + 256 * points.count) { writer in
            writer.key("group_id")
            writer.string(id)
            writer.key("minutes")
            writer.integer(minutes)
            writer.key("points")
            writer.beginArray()
            for point in points { write(point, to: &writer) }
            writer.endArray()
        }
    }

    /// Every n-th point so that at most `lagHistoryPoints` remain, the newest always kept.
    static func thinned(_ points: [LagPoint]) -> [LagPoint] {
        let step = (points.count + lagHistoryPoints - 1) / lagHistoryPoints
        guard step > 1 else { return points }
        return points.enumerated().filter { ($0.offset - (points.count - 1)) % step == 0 }.map(\.element)
    }

    private func write(_ point: LagPoint, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("at")
        writer.timestamp(micros: point.atMillis * 1000)
        writer.key("lag")
        writer.integer(point.lag)
        writer.key("seconds_behind")
        if let millis = point.millisBehind { writer.double(Double(millis) / 1000) } else { writer.null() }
        writer.key("consumed_per_second")
        if let rate = point.consumedPerSecond { writer.double(rate) } else { writer.null() }
        writer.key("partitions")
        writer.beginArray()
        for sample in point.partitions {
            writer.beginObject()
            writer.key("topic")
            writer.string(sample.topic)
            writer.key("partition")
            writer.integer(sample.partition)
            writer.key("committed")
            writer.integer(sample.committed)
            writer.key("latest")
            writer.integer(sample.latest)
            writer.key("lag")
            writer.integer(sample.lag)
            writer.key("seconds_behind")
            if let millis = sample.millisBehind { writer.double(Double(millis) / 1000) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

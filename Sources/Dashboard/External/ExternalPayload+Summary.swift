import Analyzer
import Common

extension ExternalPayload {
    /// `POST /api/external/summary`: the figures of an external analyzer (the Flink job in
    /// `examples/flink/`) that the original's three bodies have no place for, so the page can
    /// set them beside the built-in analyzer's.
    struct Summary: Decodable, Sendable {
        struct Totals: Decodable, Sendable {
            var orders: Int64
            var units: Int64
            var revenue: Double
            var unique_customers: Int64
        }

        /// One closed tumbling window.
        struct Window: Decodable, Sendable {
            var start: String
            var end: String
            var orders: Int64
            var units: Int64
            var revenue: Double
        }

        var batch_id: BatchID
        var timestamp: String
        /// Who computed it ("flink"); "external" when not said.
        var analyzer: String?
        var parallelism: Int64?
        var totals: Totals
        var duplicates: Int64
        var late_records: Int64
        var malformed: Int64
        var windows: [Window]?

        /// The longest analyzer name kept: it is shown on the page.
        static let analyzerNameLimit = 64
    }
}

extension ExternalPayload.Summary: ExternalResultPayload {
    /// The closed windows it carries.
    var rowCount: Int { windows?.count ?? 0 }

    /// Refuses what decoding lets through but the figures forbid.
    func validate() throws(APIError) {
        if let analyzer {
            try ExternalPayload.require(
                !analyzer.isEmpty && analyzer.utf8.count <= Self.analyzerNameLimit,
                "analyzer must be 1 to \(Self.analyzerNameLimit) bytes"
            )
        }
        if let parallelism {
            try ExternalPayload.require(parallelism > 0, "parallelism is \(parallelism): expected 1 or more")
        }
        try ExternalPayload.requireNonNegative(totals.orders, "totals.orders")
        try ExternalPayload.requireNonNegative(totals.units, "totals.units")
        try ExternalPayload.requireMoney(totals.revenue, "totals.revenue")
        try ExternalPayload.requireNonNegative(totals.unique_customers, "totals.unique_customers")
        try ExternalPayload.requireNonNegative(duplicates, "duplicates")
        try ExternalPayload.requireNonNegative(late_records, "late_records")
        try ExternalPayload.requireNonNegative(malformed, "malformed")
        for (index, window) in (windows ?? []).enumerated() {
            let at = "windows[\(index)]"
            try ExternalPayload.require(!window.start.isEmpty && !window.end.isEmpty, "\(at) needs a start and an end")
            try ExternalPayload.requireNonNegative(window.orders, "\(at).orders")
            try ExternalPayload.requireNonNegative(window.units, "\(at).units")
            try ExternalPayload.requireMoney(window.revenue, "\(at).revenue")
        }
    }

    /// The kept and pushed form: the fields as received, the analyzer named, plus `source`.
    func write(to writer: inout JSONWriter, receivedAtMicros: Int64) {
        writer.beginObject()
        ExternalPayload.writeHeader(batch_id, timestamp, receivedAtMicros, to: &writer)
        writer.key("analyzer")
        writer.string(analyzer ?? "external")
        writer.key("parallelism")
        if let parallelism { writer.integer(parallelism) } else { writer.null() }
        writer.key("totals")
        writer.beginObject()
        writer.key("orders")
        writer.integer(totals.orders)
        writer.key("units")
        writer.integer(totals.units)
        writer.key("revenue")
        writer.double(totals.revenue, decimals: 2)
        writer.key("unique_customers")
        writer.integer(totals.unique_customers)
        writer.endObject()
        writer.key("duplicates")
        writer.integer(duplicates)
        writer.key("late_records")
        writer.integer(late_records)
        writer.key("malformed")
        writer.integer(malformed)
        writer.key("windows")
        writer.beginArray()
        for window in windows ?? [] {
            writer.beginObject()
            writer.key("start")
            writer.string(window.start)
            writer.key("end")
            writer.string(window.end)
            writer.key("orders")
            writer.integer(window.orders)
            writer.key("units")
            writer.integer(window.units)
            writer.key("revenue")
            writer.double(window.revenue, decimals: 2)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

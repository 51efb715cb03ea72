import Analyzer
import Common

/// The API's views of a snapshot in the original's field names. A nil snapshot (before the
/// analyzer's first trigger, or without an analyzer) reads as zeros and empty lists.
enum SnapshotViews {
    /// The `/api/dashboard_data` fields, written into an open object: the top 10 all-time
    /// products by orders (their full product rows, as the original had `avg_price`), every
    /// category, the recent orders, the headline metrics and the snapshot's time.
    static func writeDashboardData(_ snapshot: AnalyticsSnapshot?, nowMicros: Int64, to writer: inout JSONWriter) {
        writer.key("top_products")
        writeTopProductRows(snapshot, to: &writer)
        writer.key("categories")
        writeCategories(snapshot, to: &writer)
        writer.key("recent_orders")
        writeRecentOrders(snapshot, to: &writer)
        writer.key("metrics")
        writer.beginObject()
        writer.key("total_orders")
        writer.integer(snapshot?.totals.orders ?? 0)
        writer.key("total_revenue")
        writer.cents(snapshot?.totals.revenueCents ?? 0)
        writer.key("orders_per_minute")
        writer.double(ordersPerMinute(snapshot), decimals: 1)
        writer.key("average_order_value")
        writer.cents(snapshot?.totals.averageOrderValueCents ?? 0)
        writer.key("unique_customers")
        writer.integer(snapshot?.totals.uniqueCustomers ?? 0)
        writer.endObject()
        writer.key("timestamp")
        writer.timestamp(micros: snapshot?.generatedAtMicros ?? nowMicros)
    }

    /// The all-time top products by orders as full product rows.
    static func writeTopProductRows(_ snapshot: AnalyticsSnapshot?, to writer: inout JSONWriter) {
        writer.beginArray()
        if let snapshot, let all = snapshot.topProducts.first(where: { $0.span == .all }) {
            let rows = Dictionary(snapshot.products.map { ($0.productID, $0) }, uniquingKeysWith: { first, _ in first })
            for top in all.byOrders {
                rows[top.productID]?.write(to: &writer)
            }
        }
        writer.endArray()
    }

    static func writeCategories(_ snapshot: AnalyticsSnapshot?, to writer: inout JSONWriter) {
        writer.beginArray()
        for category in snapshot?.categories ?? [] { category.write(to: &writer) }
        writer.endArray()
    }

    static func writeRecentOrders(_ snapshot: AnalyticsSnapshot?, to writer: inout JSONWriter) {
        writer.beginArray()
        for order in snapshot?.recentOrders ?? [] { order.write(to: &writer) }
        writer.endArray()
    }

    static func writeAlerts(_ snapshot: AnalyticsSnapshot?, to writer: inout JSONWriter) {
        writer.beginArray()
        for alert in snapshot?.alerts ?? [] { alert.write(to: &writer) }
        writer.endArray()
    }

    /// Orders of the newest closed window, per minute (0 before one closes).
    static func ordersPerMinute(_ snapshot: AnalyticsSnapshot?) -> Double {
        guard let snapshot, let window = snapshot.windows.last(where: \.isClosed), snapshot.windowMicros > 0 else {
            return 0
        }
        return Double(window.orders) * 60_000_000 / Double(snapshot.windowMicros)
    }

    /// `{length_seconds, items}` with the windows that start in the last `minutes` before
    /// the newest window's end.
    static func writeWindows(_ snapshot: AnalyticsSnapshot?, minutes: Int, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("length_seconds")
        writer.integer((snapshot?.windowMicros ?? 60_000_000) / 1_000_000)
        writer.key("items")
        writer.beginArray()
        if let snapshot, let newest = snapshot.windows.last {
            let from = newest.endMicros - Int64(minutes) * 60_000_000
            for window in snapshot.windows where window.startMicros >= from { window.write(to: &writer) }
        }
        writer.endArray()
        writer.endObject()
    }

    /// The snapshot for `snapshot_update`: everything but `products`, with the last 60 windows.
    static func writeSnapshotUpdate(_ snapshot: AnalyticsSnapshot, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("sequence")
        writer.integer(snapshot.sequence)
        writer.key("generated_at")
        writer.timestamp(micros: snapshot.generatedAtMicros)
        writer.key("totals")
        snapshot.totals.write(to: &writer)
        writer.key("categories")
        writeCategories(snapshot, to: &writer)
        writer.key("top_products")
        writer.beginObject()
        for top in snapshot.topProducts {
            writer.key(top.span.rawValue)
            top.write(to: &writer)
        }
        writer.endObject()
        writer.key("windows")
        writer.beginObject()
        writer.key("length_seconds")
        writer.integer(snapshot.windowMicros / 1_000_000)
        writer.key("items")
        writer.beginArray()
        for window in snapshot.windows.suffix(60) { window.write(to: &writer) }
        writer.endArray()
        writer.endObject()
        writer.key("recent_orders")
        writeRecentOrders(snapshot, to: &writer)
        writer.key("alerts")
        writeAlerts(snapshot, to: &writer)
        writer.key("pipeline")
        snapshot.pipeline.write(to: &writer)
        writer.endObject()
    }

    /// Whether the alerts changed since the previous snapshot.
    static func alertsDiffer(_ old: AnalyticsSnapshot?, _ new: AnalyticsSnapshot) -> Bool {
        (old?.alerts ?? []) != new.alerts
    }
}

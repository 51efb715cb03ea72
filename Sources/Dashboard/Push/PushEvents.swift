import Analyzer
import Common
import NIOCore

/// The WebSocket messages, `{"event": <name>, "data": <object>}`, each encoded once and
/// shared by every client.
enum PushEvents {
    /// One message.
    static func message(_ event: String, capacity: Int = 4096, _ writeData: (inout JSONWriter) -> Void) -> ByteBuffer {
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.beginObject()
        writer.key("event")
        writer.string(event)
        writer.key("data")
        writeData(&writer)
        writer.endObject()
        return ByteBuffer(bytes: writer.bytes)
    }

    /// `initial_data`: the `/api/dashboard_data` object plus the whole snapshot and the
    /// services' status.
    static func initialData(_ snapshot: AnalyticsSnapshot?, services: ServiceStatusView) -> ByteBuffer {
        message("initial_data", capacity: 128 * 1024) { writer in
            writer.beginObject()
            SnapshotViews.writeDashboardData(snapshot, nowMicros: services.nowMicros, to: &writer)
            writer.key("snapshot")
            if let snapshot { snapshot.write(to: &writer) } else { writer.null() }
            writer.key("services")
            services.write(to: &writer)
            writer.endObject()
        }
    }

    /// What one new snapshot sends: `snapshot_update`, `top_products_update`,
    /// `categories_update`, `raw_orders_update`, and `alerts_update` when the alerts changed.
    static func updates(after previous: AnalyticsSnapshot?, _ snapshot: AnalyticsSnapshot) -> [ByteBuffer] {
        var messages = [
            message("snapshot_update", capacity: 64 * 1024) { SnapshotViews.writeSnapshotUpdate(snapshot, to: &$0) },
            message("top_products_update") { writer in
                writer.beginObject()
                writer.key("source")
                writer.string("analyzer")
                writer.key("products")
                SnapshotViews.writeTopProductRows(snapshot, to: &writer)
                writer.key("timestamp")
                writer.timestamp(micros: snapshot.generatedAtMicros)
                writer.endObject()
            },
            message("categories_update") { writer in
                writer.beginObject()
                writer.key("source")
                writer.string("analyzer")
                writer.key("categories")
                SnapshotViews.writeCategories(snapshot, to: &writer)
                writer.key("timestamp")
                writer.timestamp(micros: snapshot.generatedAtMicros)
                writer.endObject()
            },
            message("raw_orders_update", capacity: 16 * 1024) { writer in
                writer.beginObject()
                writer.key("source")
                writer.string("analyzer")
                writer.key("orders")
                SnapshotViews.writeRecentOrders(snapshot, to: &writer)
                writer.key("timestamp")
                writer.timestamp(micros: snapshot.generatedAtMicros)
                writer.endObject()
            },
        ]
        if SnapshotViews.alertsDiffer(previous, snapshot) {
            messages.append(
                message("alerts_update") { writer in
                    writer.beginObject()
                    writer.key("alerts")
                    SnapshotViews.writeAlerts(snapshot, to: &writer)
                    writer.key("timestamp")
                    writer.timestamp(micros: snapshot.generatedAtMicros)
                    writer.endObject()
                }
            )
        }
        return messages
    }

    /// `service_status_update`: the `/api/service-status` object.
    static func serviceStatus(_ view: ServiceStatusView) -> ByteBuffer {
        message("service_status_update") { view.write(to: &$0) }
    }

    /// An external analyzer's result, already JSON, under its event name.
    static func external(_ event: String, json: [UInt8]) -> ByteBuffer {
        message(event, capacity: json.count + 64) { $0.raw(String(decoding: json, as: UTF8.self)) }
    }
}

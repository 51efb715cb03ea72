import Common

/// The components' states as `/api/service-status`, `/api/status`, `/readyz` and the
/// `service_status_update` event show them.
struct ServiceStatusView: Sendable {
    let statuses: [ComponentStatus]
    let resources: ResourceUsage
    let nowMicros: Int64

    /// `healthy` when every enabled component runs, `down` when none does, else `partial`.
    var overallStatus: String {
        let enabled = statuses.filter(\.enabled)
        let running = enabled.filter { $0.state == .running }.count
        if running == enabled.count { return "healthy" }
        return running == 0 ? "down" : "partial"
    }

    /// `/api/status`'s word for the same thing.
    var apiStatus: String {
        switch overallStatus {
        case "healthy": "ok"
        case "partial": "degraded"
        default: "down"
        }
    }

    /// Enabled components that are not running (what `/readyz` lists).
    var notReady: [ComponentStatus] {
        statuses.filter { $0.enabled && $0.state != .running }
    }

    /// The `/api/service-status` object. A disabled, stopped or failed component is listed
    /// with its state, never left out (the original hid stopped services).
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("overall_status")
        writer.string(overallStatus)
        writer.key("services")
        writer.beginObject()
        for status in statuses {
            writer.key(status.name)
            writeComponent(status, to: &writer)
        }
        writer.endObject()
        writer.key("summary")
        writer.beginObject()
        writer.key("total_services")
        writer.integer(statuses.count)
        writer.key("running")
        writer.integer(statuses.filter { $0.state == .running }.count)
        writer.key("stopped")
        writer.integer(statuses.filter { $0.state != .running }.count)
        writer.endObject()
        writer.key("resources")
        writer.beginObject()
        writer.key("cpu_percent")
        writer.double(resources.cpuPercent, decimals: 1)
        writer.key("resident_bytes")
        writer.integer(resources.residentBytes)
        writer.key("data_bytes")
        writer.integer(resources.dataBytes)
        writer.key("disk_free_bytes")
        writer.integer(resources.diskFreeBytes)
        writer.endObject()
        writer.key("timestamp")
        writer.timestamp(micros: nowMicros)
        writer.endObject()
    }

    /// One component's object in `services`.
    func writeComponent(_ status: ComponentStatus, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name")
        writer.string(status.name)
        writer.key("status")
        writer.string(status.state.rawValue)
        writer.key("enabled")
        writer.bool(status.enabled)
        writer.key("last_check")
        writer.timestamp(micros: nowMicros)
        writer.key("uptime_seconds")
        if let uptime = status.uptimeSeconds { writer.double(uptime, decimals: 1) } else { writer.null() }
        writer.key("throughput")
        writer.double(status.throughput, decimals: 1)
        writer.key("throughput_unit")
        writer.string(status.throughputUnit)
        writer.key("last_error")
        if let error = status.lastError { writer.string(error) } else { writer.null() }
        writer.key("restarts")
        writer.integer(status.restarts)
        writer.endObject()
    }
}

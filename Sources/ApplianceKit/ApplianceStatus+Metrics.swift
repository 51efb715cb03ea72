import Dashboard
import Simulator

extension ApplianceStatus {
    /// The simulator's figures for `/metrics` (the dashboard adds the analyzer's, the
    /// components' and its own).
    public func metricFamilies() async -> [MetricFamily] {
        guard let simulator = attachedSimulator()?.0 else { return [] }
        let stats = simulator.stats
        return [
            .init(
                name: "aseed_simulator_orders_total",
                help: "Valid orders made (sent or dropped).",
                kind: .counter,
                value: Double(stats.ordersGenerated)
            ),
            .init(
                name: "aseed_simulator_malformed_total",
                help: "Malformed records made by bursts.",
                kind: .counter,
                value: Double(stats.malformedSent)
            ),
            .init(
                name: "aseed_simulator_dropped_total",
                help: "Records in batches the broker refused.",
                kind: .counter,
                value: Double(stats.recordsDropped)
            ),
            .init(
                name: "aseed_simulator_batches_total",
                help: "Batches the broker accepted.",
                kind: .counter,
                value: Double(stats.batchesSent)
            ),
            .init(
                name: "aseed_simulator_bytes_total",
                help: "Key and value bytes of accepted batches.",
                kind: .counter,
                value: Double(stats.bytesSent)
            ),
            .init(
                name: "aseed_simulator_send_errors_total",
                help: "Sends that failed.",
                kind: .counter,
                value: Double(stats.sendErrors)
            ),
            .init(
                name: "aseed_simulator_target_rate",
                help: "Intended orders per second (0 in flood mode).",
                kind: .gauge,
                value: stats.targetRate ?? 0
            ),
            .init(
                name: "aseed_simulator_measured_rate",
                help: "Orders per second made over the last second.",
                kind: .gauge,
                value: stats.measuredRate
            ),
            .init(
                name: "aseed_simulator_paused",
                help: "1 while paused from the dashboard.",
                kind: .gauge,
                value: stats.isPaused ? 1 : 0
            ),
            .init(
                name: "aseed_simulator_active_scenarios",
                help: "Scenarios in force.",
                kind: .gauge,
                value: Double(stats.activeScenarios.count)
            ),
        ]
    }
}

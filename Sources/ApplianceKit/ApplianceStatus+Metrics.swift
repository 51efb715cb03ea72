import Dashboard
import Simulator

extension ApplianceStatus {
    /// The simulator's and the embedded broker's figures for `/metrics` (the dashboard adds the
    /// analyzer's, the components' and its own).
    public func metricFamilies() async -> [MetricFamily] {
        simulatorFamilies() + (embeddedBroker.map(Self.brokerFamilies) ?? [])
    }

    /// Open connections by listener and principal, and the authorizer's refusals by operation
    /// and resource type (each also logged once per principal, host and resource).
    static func brokerFamilies(_ broker: EmbeddedBroker) -> [MetricFamily] {
        var connections: [String: (listener: String, principal: String, count: Int)] = [:]
        for connection in broker.connections() ?? [] {
            let key = connection.listener + " " + connection.principal
            connections[key, default: (connection.listener, connection.principal, 0)].count += 1
        }
        return [
            .init(
                name: "aseed_broker_connections",
                help: "Open client connections of the embedded broker, by listener and principal.",
                kind: .gauge,
                samples: connections.keys.sorted().map { key in
                    let entry = connections[key]!
                    return .init(
                        labels: [("listener", entry.listener), ("principal", entry.principal)],
                        value: Double(entry.count)
                    )
                }
            ),
            .init(
                name: "aseed_broker_authorization_refusals_total",
                help: "Requests the authorizer refused, by operation and resource type, since the broker started.",
                kind: .counter,
                samples: broker.refusals().map {
                    .init(
                        labels: [("operation", $0.operation), ("resource_type", $0.resourceType)],
                        value: Double($0.count)
                    )
                }
            ),
        ]
    }

    private func simulatorFamilies() -> [MetricFamily] {
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

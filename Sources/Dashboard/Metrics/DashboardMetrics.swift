import Analyzer

/// The figures the dashboard itself knows for `/metrics`: the analyzer's snapshot, the
/// components' states, the process, the WebSocket hub and the HTTP counters.
enum DashboardMetrics {
    static func families(
        snapshot: AnalyticsSnapshot?,
        services: ServiceStatusView,
        hub: WebSocketHub,
        counters: HTTPCounters
    ) -> [MetricFamily] {
        analyzer(snapshot) + components(services) + process(services.resources) + http(hub: hub, counters: counters)
    }

    private static func analyzer(_ snapshot: AnalyticsSnapshot?) -> [MetricFamily] {
        guard let snapshot else { return [] }
        let pipeline = snapshot.pipeline
        return [
            .init(
                name: "aseed_analyzer_records_in_total",
                help: "Records read from the orders topic.",
                kind: .counter,
                value: Double(pipeline.recordsIn)
            ),
            .init(
                name: "aseed_analyzer_orders_total",
                help: "Orders counted (duplicates and malformed records left out).",
                kind: .counter,
                value: Double(pipeline.ordersCounted)
            ),
            .init(
                name: "aseed_analyzer_duplicates_total",
                help: "Orders dropped as duplicates of a counted order id.",
                kind: .counter,
                value: Double(pipeline.duplicates)
            ),
            .init(
                name: "aseed_analyzer_late_records_total",
                help: "Orders older than their partition's watermark.",
                kind: .counter,
                value: Double(pipeline.lateRecords)
            ),
            .init(
                name: "aseed_analyzer_malformed_records_total",
                help: "Malformed records by reason, copied to the dead letter topic.",
                kind: .counter,
                samples: pipeline.malformed.map {
                    .init(labels: [("reason", $0.reason.rawValue)], value: Double($0.count))
                }
            ),
            .init(
                name: "aseed_analyzer_revenue_total",
                help: "Revenue of the counted orders, in the catalog's currency.",
                kind: .counter,
                value: Double(snapshot.totals.revenueCents) / 100
            ),
            .init(
                name: "aseed_analyzer_records_per_second",
                help: "Records read per second over the last seconds.",
                kind: .gauge,
                value: pipeline.recordsPerSecond
            ),
            .init(
                name: "aseed_analyzer_latency_milliseconds",
                help: "Event time to published snapshot over the recent triggers.",
                kind: .gauge,
                samples: [
                    .init(labels: [("quantile", "0.5")], value: pipeline.latencyP50Milliseconds),
                    .init(labels: [("quantile", "0.99")], value: pipeline.latencyP99Milliseconds),
                ]
            ),
            .init(
                name: "aseed_analyzer_partition_lag",
                help: "Records on the broker not yet read, by partition.",
                kind: .gauge,
                samples: pipeline.partitions.map {
                    .init(labels: [("partition", String($0.partition))], value: Double($0.lag))
                }
            ),
            .init(
                name: "aseed_analyzer_snapshot_sequence",
                help: "Triggers since the analyzer started.",
                kind: .gauge,
                value: Double(snapshot.sequence)
            ),
        ]
    }

    private static func components(_ services: ServiceStatusView) -> [MetricFamily] {
        func each(_ value: (ComponentStatus) -> Double) -> [MetricFamily.Sample] {
            services.statuses.map { .init(labels: [("component", $0.name)], value: value($0)) }
        }
        return [
            .init(
                name: "aseed_component_up",
                help: "1 when the component runs, 0 otherwise.",
                kind: .gauge,
                samples: each { $0.state == .running ? 1 : 0 }
            ),
            .init(
                name: "aseed_component_enabled",
                help: "1 when the appliance runs the component at all.",
                kind: .gauge,
                samples: each { $0.enabled ? 1 : 0 }
            ),
            .init(
                name: "aseed_component_restarts_total",
                help: "Restarts since the appliance started.",
                kind: .counter,
                samples: each { Double($0.restarts) }
            ),
            .init(
                name: "aseed_component_throughput",
                help: "Each component's throughput in its own unit (label unit).",
                kind: .gauge,
                samples: services.statuses.map {
                    .init(labels: [("component", $0.name), ("unit", $0.throughputUnit)], value: $0.throughput)
                }
            ),
        ]
    }

    private static func process(_ resources: ResourceUsage) -> [MetricFamily] {
        [
            .init(
                name: "aseed_process_cpu_percent",
                help: "CPU use over the last seconds, in percent of one core.",
                kind: .gauge,
                value: resources.cpuPercent
            ),
            .init(
                name: "aseed_process_resident_memory_bytes",
                help: "Resident memory.",
                kind: .gauge,
                value: Double(resources.residentBytes)
            ),
            .init(
                name: "aseed_data_bytes",
                help: "Bytes used under the data directory.",
                kind: .gauge,
                value: Double(resources.dataBytes)
            ),
            .init(
                name: "aseed_disk_free_bytes",
                help: "Bytes free on the data directory's file system.",
                kind: .gauge,
                value: Double(resources.diskFreeBytes)
            ),
        ]
    }

    private static func http(hub: WebSocketHub, counters: HTTPCounters) -> [MetricFamily] {
        [
            .init(
                name: "aseed_http_requests_total",
                help: "HTTP requests answered, by route, method and status.",
                kind: .counter,
                samples: counters.snapshot().map {
                    .init(
                        labels: [
                            ("route", $0.key.route), ("method", $0.key.method), ("status", String($0.key.status)),
                        ],
                        value: Double($0.count)
                    )
                }
            ),
            .init(
                name: "aseed_websocket_clients",
                help: "WebSocket clients connected.",
                kind: .gauge,
                value: Double(hub.clientCount)
            ),
            .init(
                name: "aseed_websocket_messages_total",
                help: "Messages broadcast to the WebSocket clients.",
                kind: .counter,
                value: Double(hub.broadcastMessages)
            ),
            .init(
                name: "aseed_websocket_dropped_messages_total",
                help: "Messages slow clients lost (their queue was full).",
                kind: .counter,
                value: Double(hub.droppedMessages)
            ),
            .init(
                name: "aseed_websocket_refused_total",
                help: "Connections refused because the client limit was reached.",
                kind: .counter,
                value: Double(hub.refusedClients)
            ),
        ]
    }
}

/// A group of samples of one metric for `/metrics`, as the Prometheus text format 0.0.4
/// writes it. Components outside the dashboard hand theirs over through a `MetricsProvider`.
public struct MetricFamily: Sendable {
    /// `counter` or `gauge`.
    public enum Kind: String, Sendable {
        case counter, gauge
    }

    /// One value with its labels.
    public struct Sample: Sendable {
        public var labels: [(name: String, value: String)]
        public var value: Double

        /// A sample from its labels and value.
        public init(labels: [(name: String, value: String)] = [], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    /// `aseed_simulator_orders_total`: `[a-zA-Z_:][a-zA-Z0-9_:]*`, counters ending in `_total`.
    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    /// A family from its parts.
    public init(name: String, help: String, kind: Kind, samples: [Sample]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }

    /// A family of one unlabelled value.
    public init(name: String, help: String, kind: Kind, value: Double) {
        self.init(name: name, help: help, kind: kind, samples: [Sample(value: value)])
    }
}

/// Figures a component adds to `/metrics` (the simulator's counts, the broker's).
public protocol MetricsProvider: Sendable {
    /// The families as of now.
    func metricFamilies() async -> [MetricFamily]
}

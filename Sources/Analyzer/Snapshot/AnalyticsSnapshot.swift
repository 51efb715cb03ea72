/// Everything the analyzer knows after a trigger, as plain values: what the dashboard draws,
/// the REST API serves and `aseed analyze --exit-at-end` prints. Money is in cents, times in
/// microseconds since the Unix epoch (UTC).
public struct AnalyticsSnapshot: Sendable {
    /// Trigger number since the analyzer started (0 before the first).
    public var sequence: Int64
    /// When the snapshot was made (wall clock).
    public var generatedAtMicros: Int64
    /// All-time totals.
    public var totals: Totals
    /// Every product, by product id.
    public var products: [ProductRow]
    /// Every category, by revenue (highest first), then name.
    public var categories: [CategoryRow]
    /// Rankings over all time and the sliding windows, in `TopSpan.allCases` order.
    public var topProducts: [TopProducts]
    /// Length of the tumbling windows.
    public var windowMicros: Int64
    /// Windows with orders, oldest first.
    public var windows: [Window]
    /// Newest orders first.
    public var recentOrders: [RecentOrder]
    /// Newest first.
    public var alerts: [Alert]
    /// How the stream is flowing.
    public var pipeline: Pipeline

    /// All-time totals.
    public struct Totals: Sendable, Equatable {
        public var orders: Int64
        public var units: Int64
        public var revenueCents: Int64
        public var averageOrderValueCents: Int64
        public var uniqueCustomers: Int64
    }

    /// One product's all-time figures.
    public struct ProductRow: Sendable, Equatable {
        public var productID: String
        public var productName: String
        public var category: String
        public var orderCount: Int64
        public var totalQuantity: Int64
        public var totalRevenueCents: Int64
        public var averagePriceCents: Int64
        public var lastOrderMicros: Int64
    }

    /// One category's all-time figures.
    public struct CategoryRow: Sendable, Equatable {
        public var category: String
        public var orderCount: Int64
        public var totalQuantity: Int64
        public var totalRevenueCents: Int64
        public var averagePriceCents: Int64
        public var lastOrderMicros: Int64
        public var uniqueProducts: Int64
    }

    /// The span a ranking covers.
    public enum TopSpan: String, Sendable, CaseIterable {
        case all
        case last5Minutes = "5m"
        case last15Minutes = "15m"
        case last60Minutes = "60m"

        /// Minutes of the sliding window; nil for all time.
        public var minutes: Int64? {
            switch self {
            case .all: nil
            case .last5Minutes: 5
            case .last15Minutes: 15
            case .last60Minutes: 60
            }
        }
    }

    /// A product's figures over one span.
    public struct TopRow: Sendable, Equatable {
        public var productID: String
        public var productName: String
        public var category: String
        public var orderCount: Int64
        public var totalQuantity: Int64
        public var totalRevenueCents: Int64
    }

    /// The three rankings over one span.
    public struct TopProducts: Sendable, Equatable {
        public var span: TopSpan
        public var byOrders: [TopRow]
        public var byUnits: [TopRow]
        public var byRevenue: [TopRow]
    }

    /// One tumbling window.
    public struct Window: Sendable, Equatable {
        public var startMicros: Int64
        public var endMicros: Int64
        public var isClosed: Bool
        public var orders: Int64
        public var units: Int64
        public var revenueCents: Int64
        public var averageOrderValueCents: Int64
        public var uniqueCustomers: Int64
        /// Categories with orders in the window, by name.
        public var categories: [WindowCategory]
    }

    /// A category's figures in one window.
    public struct WindowCategory: Sendable, Equatable {
        public var category: String
        public var orders: Int64
        public var units: Int64
        public var revenueCents: Int64
        public var averageOrderValueCents: Int64
    }

    /// One of the newest orders.
    public struct RecentOrder: Sendable, Equatable {
        public var orderID: String
        public var productID: String
        public var productName: String
        public var category: String
        public var priceCents: Int64
        public var quantity: Int64
        public var customerID: String
        public var eventTimeMicros: Int64
        public var totalValueCents: Int64
    }

    /// Throughput, lag, latency and the records that were not counted normally.
    public struct Pipeline: Sendable, Equatable {
        public var recordsIn: Int64
        public var ordersCounted: Int64
        public var duplicates: Int64
        public var lateRecords: Int64
        /// Per reason, every reason listed.
        public var malformed: [(reason: MalformedReason, count: Int64)]
        public var malformedTotal: Int64 { malformed.reduce(0) { $0 + $1.count } }
        public var watermarkMicros: Int64?
        public var maxEventMicros: Int64?
        public var partitions: [PartitionLag]
        /// Records read per second over the last seconds.
        public var recordsPerSecond: Double
        /// Event time to published snapshot, over the recent triggers.
        public var latencyP50Milliseconds: Double
        public var latencyP99Milliseconds: Double
        /// The orders counted late with the newest timestamps, newest first.
        public var recentLate: [LateOrder] = []

        public static func == (lhs: Pipeline, rhs: Pipeline) -> Bool {
            lhs.recordsIn == rhs.recordsIn && lhs.ordersCounted == rhs.ordersCounted && lhs.duplicates == rhs.duplicates
                && lhs.lateRecords == rhs.lateRecords && lhs.malformed.map(\.count) == rhs.malformed.map(\.count)
                && lhs.watermarkMicros == rhs.watermarkMicros && lhs.maxEventMicros == rhs.maxEventMicros
                && lhs.partitions == rhs.partitions && lhs.recordsPerSecond == rhs.recordsPerSecond
                && lhs.latencyP50Milliseconds == rhs.latencyP50Milliseconds
                && lhs.latencyP99Milliseconds == rhs.latencyP99Milliseconds && lhs.recentLate == rhs.recentLate
        }
    }

    /// One partition's position and lag.
    public struct PartitionLag: Sendable, Equatable {
        public var partition: Int32
        public var nextOffset: Int64
        public var highWatermark: Int64
        public var lag: Int64 { max(0, highWatermark - nextOffset) }
    }
}

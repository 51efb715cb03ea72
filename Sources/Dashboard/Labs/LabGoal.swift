import Analyzer

/// What a step asks of a student, in terms the appliance can observe on its broker (or, for
/// an answer, check against the analyzer). Names in goals may hold `{name}`, replaced by the
/// student's name (`LabGoal.for(student:)`).
public enum LabGoal: Sendable, Equatable {
    /// A connection of the student's reached the broker.
    case connect
    /// At least `count` records in `topic`; with `validOrders`, records the analyzer accepts
    /// as orders (Sources/Analyzer/README.md).
    case produce(topic: String, count: Int, validOrders: Bool)
    /// At least `count` of the newest records in `topic` carry a key.
    case keys(topic: String, count: Int)
    /// A record keyed `key` among the newest in `topic`: with the analyzer's dead letters
    /// (`orders.dlq`), a record of the student's that the analyzer refused as malformed.
    case deadLetter(topic: String, key: String)
    /// An order whose id starts with `prefix` among those the analyzer counted late (too old
    /// for its partition's watermark, so in the all-time figures but not in the windows).
    case lateOrder(prefix: String)
    /// Group `group` committed an offset for `topic` (for the partitions its consumers read).
    case commit(group: String, topic: String)
    /// Group `group` had `members` members or more at once (each joining made a rebalance).
    case rebalance(group: String, members: Int)
    /// Topic `topic` exists with at least `partitions` partitions and these configs.
    case topic(topic: String, partitions: Int, configs: [String: String])
    /// The student produced with idempotence (InitProducerId, then Produce).
    case idempotence
    /// The student ended a transaction (EndTxn).
    case transaction
    /// A consumer of the student's read with isolation level read_committed.
    case readCommitted
    /// The student posted the product the analyzer ranks first over `span` by `metric`
    /// (`POST /api/labs/current/answers`); checked when posted, not observed.
    case topProduct(span: AnalyticsSnapshot.TopSpan, metric: TopMetric)

    /// The kinds a lab file may name in `goal`, with the keys each takes.
    static let kinds: [String: Set<String>] = [
        "connect": [],
        "produce": ["topic", "count", "valid_orders"],
        "keys": ["topic", "count"],
        "dead-letter": ["topic", "key"],
        "late-order": ["prefix"],
        "commit": ["group", "topic"],
        "rebalance": ["group", "members"],
        "topic": ["topic", "partitions", "config"],
        "idempotence": [],
        "transaction": [],
        "read-committed": [],
        "top-product": ["span", "by"],
    ]

    /// The goal with `{name}` replaced by `student` in every name it holds.
    public func `for`(student: String) -> LabGoal {
        func fill(_ text: String) -> String { text.replacing("{name}", with: student) }
        switch self {
        case .connect, .idempotence, .transaction, .readCommitted, .topProduct:
            return self
        case .keys(let topic, let count):
            return .keys(topic: fill(topic), count: count)
        case .deadLetter(let topic, let key):
            return .deadLetter(topic: fill(topic), key: fill(key))
        case .lateOrder(let prefix):
            return .lateOrder(prefix: fill(prefix))
        case .produce(let topic, let count, let validOrders):
            return .produce(topic: fill(topic), count: count, validOrders: validOrders)
        case .commit(let group, let topic):
            return .commit(group: fill(group), topic: fill(topic))
        case .rebalance(let group, let members):
            return .rebalance(group: fill(group), members: members)
        case .topic(let topic, let partitions, let configs):
            return .topic(topic: fill(topic), partitions: partitions, configs: configs)
        }
    }

    /// The goal's kind, as lab files name it.
    public var kind: String {
        switch self {
        case .connect: "connect"
        case .produce: "produce"
        case .keys: "keys"
        case .deadLetter: "dead-letter"
        case .lateOrder: "late-order"
        case .commit: "commit"
        case .rebalance: "rebalance"
        case .topic: "topic"
        case .idempotence: "idempotence"
        case .transaction: "transaction"
        case .readCommitted: "read-committed"
        case .topProduct: "top-product"
        }
    }
}

/// What a product ranking orders by.
public enum TopMetric: String, Sendable, CaseIterable {
    case orders
    case units
    case revenue

    /// The ranking of `top` by this metric, first first.
    func rows(of top: AnalyticsSnapshot.TopProducts) -> [AnalyticsSnapshot.TopRow] {
        switch self {
        case .orders: top.byOrders
        case .units: top.byUnits
        case .revenue: top.byRevenue
        }
    }

    /// A row's figure for this metric.
    func value(of row: AnalyticsSnapshot.TopRow) -> Int64 {
        switch self {
        case .orders: row.orderCount
        case .units: row.totalQuantity
        case .revenue: row.totalRevenueCents
        }
    }
}

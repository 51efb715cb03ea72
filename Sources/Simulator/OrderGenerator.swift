/// Makes orders: picks product, quantity and customer from seeded randomness, applies the
/// scenarios in force, and encodes straight into an `OrderBatch`.
///
/// Pure and deterministic: the same configuration (seed included) and the same calls give
/// the same orders, whatever the clock or the sink do.
public struct OrderGenerator: Sendable {
    /// Everything that shapes the generated orders.
    public struct Configuration: Sendable {
        /// Products to order; `Catalog.standard` by default.
        public var catalog: Catalog
        /// Seed of the random stream; the same seed replays the same products and customers.
        public var seed: UInt64
        /// Run id in the order ids, unique per start.
        public var runID: RunID
        /// Sequence number of the first order (above 1 when a restart continues a run).
        public var firstSequence: UInt64
        /// Units per order.
        public var quantity: QuantityDistribution
        /// Customers and how often they come back.
        public var customers: CustomerPool.Configuration
        /// Popularity per product (same order as the catalog); nil uses the catalog's weights.
        public var popularity: [Double]?
        /// Rate multiplier by hour of day; nil for a flat rate.
        public var dailyPattern: DailyPattern?

        /// The original's behaviour, with ids unique to this run.
        public init(
            catalog: Catalog = .standard,
            seed: UInt64,
            runID: RunID,
            quantity: QuantityDistribution = .standard,
            customers: CustomerPool.Configuration = CustomerPool.Configuration(),
            popularity: [Double]? = nil,
            dailyPattern: DailyPattern? = nil,
            firstSequence: UInt64 = 1
        ) {
            self.catalog = catalog
            self.seed = seed
            self.runID = runID
            self.firstSequence = max(firstSequence, 1)
            self.quantity = quantity
            self.customers = customers
            self.popularity = popularity
            self.dailyPattern = dailyPattern
        }
    }

    /// The configuration this generator was made with.
    public let configuration: Configuration
    /// Writes the orders as JSON; also renders ids for display.
    public let encoder: OrderEncoder
    /// Sequence number the next order gets.
    public private(set) var nextSequence: UInt64 = 1

    private var random: Xoshiro256
    private var customers: CustomerPool
    // Internal rather than private: the scenario extension in its own file updates these.
    let baseWeights: [Double]
    let baseWeightTotal: Double
    var scenarios = ScenarioBoard()
    var products: AliasTable
    var discounts: [Int]
    var scenarioWeightFactor = 1.0
    var builtVersion = 0
    var builtAtMicros: Int64? = nil

    /// How often, in event time, a ramping weight (viral product) is brought up to date.
    static let rampRefreshMicros: Int64 = 100_000

    /// A generator at `configuration.firstSequence` with no scenario in force.
    public init(configuration: Configuration) {
        let catalog = configuration.catalog
        let weights = configuration.popularity ?? catalog.products.map(\.weight)
        precondition(weights.count == catalog.products.count, "popularity needs one weight per product")
        self.configuration = configuration
        nextSequence = configuration.firstSequence
        encoder = OrderEncoder(
            catalog: catalog,
            runID: configuration.runID,
            customerCount: configuration.customers.count
        )
        random = Xoshiro256(seed: configuration.seed)
        customers = CustomerPool(configuration.customers)
        baseWeights = weights
        baseWeightTotal = weights.reduce(0, +)
        products = AliasTable(weights: weights)
        discounts = Array(repeating: 0, count: weights.count)
    }

    /// The next order, stamped `timestampMicros`.
    public mutating func nextOrder(at timestampMicros: Int64) -> Order {
        let index = products.pick(using: &random)
        let quantity = configuration.quantity.pick(using: &random)
        let customer = customers.pick(using: &random)
        var price = configuration.catalog.products[index].priceCents
        let discount = discounts[index]
        if discount > 0 { price = (price * (100 - discount) + 50) / 100 }
        defer { nextSequence += 1 }
        return Order(
            sequence: nextSequence,
            productIndex: index,
            priceCents: price,
            quantity: quantity,
            customerNumber: customer,
            timestampMicros: timestampMicros
        )
    }

    /// Appends `count` orders with timestamps spread evenly over `(fromMicros, toMicros]`.
    public mutating func appendOrders(
        _ count: Int,
        from fromMicros: Int64,
        to toMicros: Int64,
        into batch: inout OrderBatch
    ) {
        guard count > 0 else { return }
        let span = max(toMicros - fromMicros, 0)
        for position in 1...count {
            let timestamp = fromMicros + span * Int64(position) / Int64(count)
            encoder.append(nextOrder(at: timestamp), to: &batch)
        }
    }

    /// Appends the malformed records due by `now` from running bursts; returns how many.
    public mutating func appendMalformedDue(at now: Int64, into batch: inout OrderBatch) -> Int {
        let due = scenarios.takeMalformedDue(at: now)
        for (kind, variant) in due {
            let order = nextOrder(at: now)
            encoder.appendMalformed(order, kind: kind, variant: variant, to: &batch)
        }
        return due.count
    }
}

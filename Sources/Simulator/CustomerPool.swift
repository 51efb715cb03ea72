/// Who places orders: customers `1...count`, and a share of orders from customers seen
/// recently, so the analyzer sees returning customers rather than uniform noise.
public struct CustomerPool: Sendable {
    /// The pool's shape.
    public struct Configuration: Sendable, Hashable {
        /// Number of customers; ids are `CUST-0001` ... (4 digits unless more are needed).
        public var count: Int
        /// Fraction (0...1) of orders placed by a customer from the recent set.
        public var returningShare: Double
        /// How many recent new customers are remembered for returning orders.
        public var recentCapacity: Int

        /// The original's 1000 customers, with a quarter of orders from the last 100 new ones.
        public init(count: Int = 1000, returningShare: Double = 0.25, recentCapacity: Int = 100) {
            precondition(count >= 1, "the pool needs at least one customer")
            precondition((0...1).contains(returningShare), "returningShare is a fraction in 0...1")
            precondition(recentCapacity >= 1, "recentCapacity must be at least 1")
            self.count = count
            self.returningShare = returningShare
            self.recentCapacity = recentCapacity
        }
    }

    /// The configuration this pool was made with.
    public let configuration: Configuration
    private var recent: [Int] = []
    private var cursor = 0

    /// An empty pool; the recent set fills as customers order.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        recent.reserveCapacity(configuration.recentCapacity)
    }

    /// Picks the customer of the next order.
    public mutating func pick(using random: inout Xoshiro256) -> Int {
        if !recent.isEmpty, configuration.returningShare > 0,
            random.nextUnit() < configuration.returningShare
        {
            return recent[Int(random.next(below: UInt64(recent.count)))]
        }
        let customer = Int(random.next(below: UInt64(configuration.count))) + 1
        remember(customer)
        return customer
    }

    /// Keeps the newest customers in a ring, overwriting the oldest.
    private mutating func remember(_ customer: Int) {
        if recent.count < configuration.recentCapacity {
            recent.append(customer)
        } else {
            recent[cursor] = customer
            cursor = (cursor + 1) % recent.count
        }
    }
}

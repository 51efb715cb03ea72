/// What a reset between classes does with the orders and the simulator.
public struct ClassResetPlan: Sendable, Equatable {
    /// What happens to the orders the last class saw.
    public enum Orders: String, Sendable, CaseIterable {
        /// The orders stay, and the analyzer's figures with them (they are the figures of those
        /// orders); the new class's orders come after them.
        case keep
        /// Every order (and its dead letters) is deleted and the analyzer starts from nothing,
        /// so the new class's figures are its own.
        case truncate
    }

    public var orders: Orders
    /// The simulator's seed for the new class: the same seed tells the same story (products,
    /// quantities, customers, in the same order). Nil picks a new one.
    public var seed: UInt64?
    /// A scenario to start the new class with, in the command-line form
    /// (`flash-sale:PROD-001:30s`).
    public var scenario: String?

    /// A plan from its parts.
    public init(orders: Orders, seed: UInt64? = nil, scenario: String? = nil) {
        self.orders = orders
        self.seed = seed
        self.scenario = scenario
    }
}

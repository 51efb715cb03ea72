/// Identifies a started scenario, to cancel it early.
public struct ScenarioID: Sendable, Hashable, CustomStringConvertible {
    /// Increasing number within one simulator.
    public let value: Int
    /// Wraps a number.
    public init(_ value: Int) { self.value = value }
    public var description: String { "#\(value)" }
}

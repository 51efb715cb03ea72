/// A scenario that cannot start: unknown product or category, or a value out of range.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what would be accepted.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

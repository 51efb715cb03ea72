/// An operator command that could not do what was asked; the message says why and what to do.
public struct OperatorError: Error, CustomStringConvertible {
    /// The message, for the operator.
    public let description: String

    /// An error with its message for the operator.
    public init(_ description: String) {
        self.description = description
    }
}

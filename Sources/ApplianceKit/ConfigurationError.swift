/// A setting that cannot be used: names the key and what was expected.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// The message, for the operator.
    public let description: String

    /// An error whose message names the key (or its source) and what was expected.
    public init(_ description: String) {
        self.description = description
    }
}

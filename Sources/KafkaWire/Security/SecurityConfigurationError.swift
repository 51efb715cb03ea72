/// A listener, mechanism or credential setting that cannot be used, with what to write instead.
public struct SecurityConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

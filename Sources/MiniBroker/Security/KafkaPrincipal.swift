/// Who a connection acts as: `User:alice` after a SASL login, `User:ANONYMOUS` on a
/// listener without authentication (Kafka's `KafkaPrincipal`).
public struct KafkaPrincipal: Sendable, Hashable, CustomStringConvertible {
    public var name: String

    public init(user name: String) {
        self.name = name
    }

    /// The principal of unauthenticated connections.
    public static let anonymous = KafkaPrincipal(user: "ANONYMOUS")

    public var description: String { "User:\(name)" }
}

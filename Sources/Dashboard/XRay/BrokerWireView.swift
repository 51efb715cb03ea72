import KafkaWire

/// What only a broker inside the appliance's process can tell the console: its clients as
/// they are on the wire (connections, their requests, errors and positions) and its groups'
/// rebalances as they happen. Kafka has no request for any of it; for an external cluster the
/// console has none.
public protocol BrokerWireView: Sendable {
    /// The open connections, oldest first; nil before the broker has started.
    func connections() -> [ConsoleConnection]?
    /// Connections closed in the last minutes, oldest first.
    func closedConnections() -> [ConsoleConnection]
    /// The requests of open connection `id` kept after `sequence`; watching it for a few
    /// seconds more. Nil when no such connection is open.
    func requests(of id: Int, after sequence: Int) -> ConsoleRequestStream?
    /// One kept request of connection `id` with its raw bytes; nil when it is no longer kept.
    func request(of id: Int, sequence: Int) -> ConsoleRequest?
    /// Each group's last changes, oldest first.
    func groupMoments() -> [String: [ConsoleGroupMoment]]
    /// The address each listener tells clients to connect to, and whether it leads back here.
    func advertisedAddresses() -> [AdvertisedAddress]
}

/// An address the broker tells clients to connect to (Metadata's broker entry).
public struct AdvertisedAddress: Sendable, Equatable {
    /// The listener's security protocol (PLAINTEXT, SASL_SSL...), as connections name theirs.
    public var listener: String
    /// `host:port`.
    public var address: String
    /// Nil when the address leads to this broker (its host names one of this machine's
    /// addresses and a listener has its port); otherwise why it does not, as far as this
    /// machine can tell (an address outside it may still be right behind NAT).
    public var problem: String?

    public init(listener: String, address: String, problem: String?) {
        self.listener = listener
        self.address = address
        self.problem = problem
    }
}

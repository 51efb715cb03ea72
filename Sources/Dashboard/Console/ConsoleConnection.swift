/// A client connection as the console lists it: who is connected as whom, and what it asks of
/// the broker. Only a broker inside the appliance's process can tell (`ConnectionsProvider`);
/// Kafka has no request for it.
public struct ConsoleConnection: Sendable, Equatable {
    /// The client's `address:port`.
    public var address: String
    /// The listener's security protocol (PLAINTEXT, SASL_SSL...).
    public var listener: String
    /// `User:ANONYMOUS` until a SASL login.
    public var principal: String
    public var clientID: String?
    /// Client software name and version (from ApiVersions v3+).
    public var clientSoftware: String?
    /// Milliseconds since the epoch.
    public var connectedAtMillis: Int64
    /// Requests since it connected, by API name (`Produce`, `Fetch`, ...).
    public var requests: [String: Int]
    /// Request bytes received and response bytes sent.
    public var bytesIn: Int64
    public var bytesOut: Int64
    /// When its last request arrived, ms since the epoch.
    public var lastRequestAtMillis: Int64?

    public init(
        address: String,
        listener: String,
        principal: String,
        clientID: String?,
        clientSoftware: String?,
        connectedAtMillis: Int64,
        requests: [String: Int] = [:],
        bytesIn: Int64 = 0,
        bytesOut: Int64 = 0,
        lastRequestAtMillis: Int64? = nil
    ) {
        self.address = address
        self.listener = listener
        self.principal = principal
        self.clientID = clientID
        self.clientSoftware = clientSoftware
        self.connectedAtMillis = connectedAtMillis
        self.requests = requests
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.lastRequestAtMillis = lastRequestAtMillis
    }
}

/// The open connections of the embedded broker; nil before it has started.
public typealias ConnectionsProvider = @Sendable () -> [ConsoleConnection]?

/// How a `KafkaCluster` reaches its brokers.
public struct KafkaClusterConfiguration: Sendable {
    /// Brokers to ask for metadata first (`bootstrap.servers`); the rest are learned from it.
    public var bootstrapServers: [BrokerAddress]
    /// Sent in every request header (`client.id`), shown in broker logs.
    public var clientID: String
    /// How long a TCP connect may take.
    public var connectTimeout: Duration = .seconds(5)
    /// How long a request may wait for its response (`request.timeout.ms`).
    public var requestTimeout: Duration = .seconds(30)
    /// Delay between reconnect attempts (`reconnect.backoff.ms` / `reconnect.backoff.max.ms`).
    public var reconnectBackoff = RetryBackoff(initial: .milliseconds(50), maximum: .seconds(1))
    /// Connect attempts (over all candidate brokers) before an operation fails with
    /// `.brokerUnreachable`.
    public var connectAttempts: Int = 5
    /// Metadata refreshes to wait for a topic's leaders (a topic just auto-created has none
    /// yet) before failing with `.metadataUnavailable`.
    public var metadataAttempts: Int = 10
    /// Whether Metadata requests let the broker create unknown topics (`allow.auto.create.topics`).
    public var allowAutoTopicCreation: Bool = true
    /// TLS and the SASL login of every connection (`security.protocol`); default PLAINTEXT.
    public var security: KafkaClientSecurity = .plaintext

    /// A configuration with defaults for everything but the servers and the client id.
    public init(bootstrapServers: [BrokerAddress], clientID: String = "aseed") {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
    }
}

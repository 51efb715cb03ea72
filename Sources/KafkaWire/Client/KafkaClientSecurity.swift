/// How a client logs in and protects its connections: Kafka's `security.protocol` with its
/// `sasl.*` and `ssl.*` settings. Neither part set is PLAINTEXT.
public struct KafkaClientSecurity: Sendable, Equatable {
    /// A SASL login (`sasl.mechanism`, `sasl.username`, `sasl.password`).
    public struct SaslLogin: Sendable, Equatable {
        public var mechanism: SaslMechanism
        public var username: String
        public var password: String

        public init(mechanism: SaslMechanism, username: String, password: String) {
            self.mechanism = mechanism
            self.username = username
            self.password = password
        }
    }

    /// What a TLS connection trusts.
    public struct TLS: Sendable, Equatable {
        /// PEM file of the certificates to trust (`ssl.ca.location`); nil: the system's.
        public var caFile: String?
        /// Whether the broker's certificate must name the address connected to
        /// (`ssl.endpoint.identification.algorithm=https`).
        public var verifiesHostname: Bool

        public init(caFile: String? = nil, verifiesHostname: Bool = true) {
            self.caFile = caFile
            self.verifiesHostname = verifiesHostname
        }
    }

    /// The login after connecting; nil: none.
    public var sasl: SaslLogin?
    /// TLS on the connection; nil: plain TCP.
    public var tls: TLS?

    public init(sasl: SaslLogin? = nil, tls: TLS? = nil) {
        self.sasl = sasl
        self.tls = tls
    }

    /// No login, no TLS.
    public static let plaintext = KafkaClientSecurity()

    /// Kafka's name for this combination: PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL.
    public var protocolName: String {
        switch (sasl != nil, tls != nil) {
        case (false, false): "PLAINTEXT"
        case (true, false): "SASL_PLAINTEXT"
        case (false, true): "SSL"
        case (true, true): "SASL_SSL"
        }
    }
}

import KafkaWire

/// One address the broker accepts Kafka connections on, with its security protocol and the
/// address clients are told to use for it (Kafka's `listeners` / `advertised.listeners`).
///
/// Metadata, FindCoordinator and DescribeCluster answer each connection with the advertised
/// address of the listener it came in on, so a client that bootstrapped on the authenticated
/// port stays on it.
public struct KafkaListener: Sendable, Equatable {
    /// How a listener's connections are secured.
    public enum SecurityProtocol: String, Sendable, CaseIterable {
        /// No authentication: every connection acts as `User:ANONYMOUS`.
        case plaintext = "PLAINTEXT"
        /// SASL authentication before any other request, over plain TCP.
        case saslPlaintext = "SASL_PLAINTEXT"
        /// TLS, no login: connections act as `User:ANONYMOUS`.
        case ssl = "SSL"
        /// TLS, then the SASL login of SASL_PLAINTEXT.
        case saslSSL = "SASL_SSL"

        /// Whether connections must authenticate with SASL first.
        public var usesSasl: Bool { self == .saslPlaintext || self == .saslSSL }
        /// Whether connections speak TLS.
        public var usesTLS: Bool { self == .ssl || self == .saslSSL }
    }

    public var securityProtocol: SecurityProtocol
    public var host: String
    public var port: Int
    public var advertisedHost: String
    public var advertisedPort: Int

    public init(
        securityProtocol: SecurityProtocol,
        host: String,
        port: Int,
        advertisedHost: String,
        advertisedPort: Int
    ) {
        self.securityProtocol = securityProtocol
        self.host = host
        self.port = port
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
    }

    /// Parses Kafka's listener syntax: `PLAINTEXT://0.0.0.0:9092,SASL_PLAINTEXT://:9094`, and
    /// optionally the advertised list in the same syntax, matched by protocol. A listener not
    /// advertised is advertised as its own host, or `localhost` when it binds every address.
    /// - Throws: `SecurityConfigurationError` naming the entry that cannot be used.
    public static func parse(
        _ listeners: String,
        advertised: String?
    ) throws(SecurityConfigurationError) -> [KafkaListener] {
        let bound = try entries(listeners, option: "listeners")
        guard !bound.isEmpty else { throw SecurityConfigurationError("listeners: no listener given") }
        let announced =
            try advertised.map { text throws(SecurityConfigurationError) in
                try entries(text, option: "advertised-listeners")
            } ?? []
        for entry in announced where !bound.contains(where: { $0.securityProtocol == entry.securityProtocol }) {
            throw SecurityConfigurationError(
                "advertised-listeners names \(entry.securityProtocol.rawValue), which is not among the listeners"
            )
        }
        return bound.map { entry in
            let advertisedEntry = announced.first { $0.securityProtocol == entry.securityProtocol }
            let defaultHost =
                entry.host.isEmpty || entry.host == "0.0.0.0" || entry.host == "::" ? "localhost" : entry.host
            return KafkaListener(
                securityProtocol: entry.securityProtocol,
                host: entry.host.isEmpty ? "0.0.0.0" : entry.host,
                port: entry.port,
                advertisedHost: advertisedEntry?.host ?? defaultHost,
                advertisedPort: advertisedEntry?.port ?? entry.port
            )
        }
    }

    private static func entries(
        _ text: String,
        option: String
    ) throws(SecurityConfigurationError) -> [(securityProtocol: SecurityProtocol, host: String, port: Int)] {
        var result: [(securityProtocol: SecurityProtocol, host: String, port: Int)] = []
        for part in text.split(separator: ",") {
            let entry = part.filter { $0 != " " }
            let pieces = entry.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
            let protocols = SecurityProtocol.allCases.map(\.rawValue).joined(separator: ", ")
            guard pieces.count == 2, let securityProtocol = SecurityProtocol(rawValue: pieces[0].uppercased()) else {
                throw SecurityConfigurationError(
                    "\(option): '\(entry)' is not PROTOCOL://host:port with PROTOCOL one of \(protocols)"
                )
            }
            guard let colon = pieces[1].lastIndex(of: ":"), let port = Int(pieces[1][pieces[1].index(after: colon)...]),
                (0...65535).contains(port)
            else {
                throw SecurityConfigurationError("\(option): '\(entry)' needs a port (PROTOCOL://host:port)")
            }
            var host = String(pieces[1][..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !result.contains(where: { $0.securityProtocol == securityProtocol }) else {
                throw SecurityConfigurationError("\(option): \(securityProtocol.rawValue) is given twice")
            }
            result.append((securityProtocol, host, port))
        }
        return result
    }
}

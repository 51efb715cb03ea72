/// The host and port of a Kafka broker, as written in `bootstrap.servers` ("host:port").
public struct BrokerAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "host:port", "[v6-address]:port", or a bare host (port 9092, Kafka's default).
    ///
    /// - Throws: `KafkaClientError` with code `.invalidConfiguration` for an empty host or a bad port.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces()
        var host = trimmed
        var port = 9092
        if let colon = trimmed.lastIndex(of: ":"), !trimmed.hasSuffix("]") {
            host = String(trimmed[..<colon])
            guard let parsed = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw KafkaClientError(
                    .invalidConfiguration,
                    "bootstrap server \"\(text)\" has no valid port; write it as host:port, e.g. localhost:9092"
                )
            }
            port = parsed
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw KafkaClientError(
                .invalidConfiguration,
                "bootstrap server \"\(text)\" has no host; write it as host:port, e.g. localhost:9092"
            )
        }
        self.init(host: host, port: port)
    }

    /// Parses a comma-separated list such as "a:9092,b:9092".
    public static func parseList(_ list: String) throws -> [BrokerAddress] {
        let addresses = try list.split(separator: ",").map { try BrokerAddress(parsing: String($0)) }
        guard !addresses.isEmpty else {
            throw KafkaClientError(.invalidConfiguration, "no bootstrap servers given; pass at least one host:port")
        }
        return addresses
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

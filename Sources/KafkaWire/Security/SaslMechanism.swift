/// A SASL mechanism the Kafka listener can offer (`sasl.enabled.mechanisms`).
public enum SaslMechanism: String, Sendable, CaseIterable, Hashable {
    /// RFC 4616: the password travels as it is; checked against the user's SCRAM credential.
    case plain = "PLAIN"
    /// RFC 5802 / RFC 7677 with SHA-256 (Kafka's KIP-84).
    case scramSHA256 = "SCRAM-SHA-256"
    /// RFC 5802 with SHA-512.
    case scramSHA512 = "SCRAM-SHA-512"

    /// The SCRAM variant, nil for PLAIN.
    public var scram: ScramMechanism? {
        switch self {
        case .plain: nil
        case .scramSHA256: .sha256
        case .scramSHA512: .sha512
        }
    }

    /// Parses a comma-separated list such as `PLAIN,SCRAM-SHA-256` (case-insensitive).
    /// - Throws: a message naming the unknown entry and the known ones.
    public static func list(_ text: String) throws(SecurityConfigurationError) -> [SaslMechanism] {
        var mechanisms: [SaslMechanism] = []
        for part in text.split(separator: ",") {
            let name = part.filter { $0 != " " }.uppercased()
            guard let mechanism = SaslMechanism(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                throw SecurityConfigurationError("unknown SASL mechanism '\(name)'; known: \(known)")
            }
            if !mechanisms.contains(mechanism) { mechanisms.append(mechanism) }
        }
        guard !mechanisms.isEmpty else { throw SecurityConfigurationError("no SASL mechanism given") }
        return mechanisms
    }
}

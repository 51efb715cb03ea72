/// One stored SCRAM credential as DescribeUserScramCredentials reports it: never the secret,
/// only the mechanism and its iteration count.
public struct ScramCredentialDescription: Sendable, Equatable {
    public var user: String
    /// `SCRAM-SHA-256` or `SCRAM-SHA-512` (or `mechanism N` for a code this client does not know).
    public var mechanism: String
    public var iterations: Int32

    public init(user: String, mechanism: String, iterations: Int32) {
        self.user = user
        self.mechanism = mechanism
        self.iterations = iterations
    }

    /// The SASL name of Kafka's SCRAM mechanism code (KIP-554).
    public static func mechanismName(_ code: Int8) -> String {
        switch code {
        case 1: "SCRAM-SHA-256"
        case 2: "SCRAM-SHA-512"
        default: "mechanism \(code)"
        }
    }
}

import KafkaWire

/// Why a SASL exchange failed: the message goes back to the client with
/// SASL_AUTHENTICATION_FAILED, and into the broker's log.
struct SaslFailure: Error, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    /// The one answer for an unknown user and a wrong password alike, so the answer does not
    /// tell which user names exist (Kafka's wording).
    static func invalidCredentials(_ mechanism: SaslMechanism) -> SaslFailure {
        SaslFailure(
            "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                + mechanism.rawValue
        )
    }
}

import KafkaWire
import NIOCore

extension RequestHandler {
    /// SaslHandshake outside a login: on a listener without SASL, or after the login. Kafka
    /// answers ILLEGAL_SASL_STATE, listing no mechanisms where none are offered.
    func saslHandshake(_ request: SaslHandshakeRequest, _ context: RequestContext) -> SaslHandshakeResponse {
        let offered = context.listener?.securityProtocol.usesSasl == true
        return SaslHandshakeResponse(
            errorCode: KafkaErrorCode.illegalSaslState.rawValue,
            mechanisms: offered ? configuration.saslMechanisms.map(\.rawValue) : []
        )
    }

    /// SaslAuthenticate outside a login: ILLEGAL_SASL_STATE, saying why.
    func saslAuthenticate(_ request: SaslAuthenticateRequest, _ context: RequestContext) -> SaslAuthenticateResponse {
        let offered = context.listener?.securityProtocol.usesSasl == true
        return SaslAuthenticateResponse(
            errorCode: KafkaErrorCode.illegalSaslState.rawValue,
            errorMessage: offered
                ? "this connection has already logged in as \(context.principal)"
                : "this listener does not use SASL; connect to a SASL listener to log in",
            authBytes: ByteBuffer(),
            sessionLifetimeMs: 0
        )
    }
}

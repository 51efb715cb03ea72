import ApplianceKit
import KafkaWire
import MiniBroker

/// Where and how `aseed run`'s simulator, analyzer and dashboard reach the embedded broker.
///
/// Without an authorizer they use the first PLAINTEXT listener and do not log in. With one,
/// they log in like any client: the broker stores a credential for the appliance's own user,
/// with a password made anew at each start and known only to this process, and allows that
/// user everything; the components log in with it on the first SASL listener.
struct ComponentConnection {
    /// The appliance's own user (`User:aseed-appliance`).
    static let applianceUser = "aseed-appliance"

    var bootstrap: String
    var security: KafkaClientSecurity

    /// The connection for `broker`, whose appliance login it sets when an authorizer is on.
    /// - Throws: when no listener suits: no PLAINTEXT one without an authorizer, no SASL one with.
    init(broker: inout BrokerConfiguration) throws {
        guard broker.authorizer != .none else {
            guard let plaintext = broker.listeners.first(where: { $0.securityProtocol == .plaintext }) else {
                throw ConfigurationError(
                    """
                    aseed run needs a PLAINTEXT listener for the simulator, analyzer and dashboard; \
                    add one to --listeners
                    """
                )
            }
            bootstrap = "\(Self.reachableHost(plaintext.host)):\(plaintext.port)"
            security = .plaintext
            return
        }
        let listeners = broker.listeners.filter(\.securityProtocol.usesSasl)
        // Plain TCP on the machine itself first: nothing to verify, nothing to encrypt.
        guard let listener = listeners.first(where: { $0.securityProtocol == .saslPlaintext }) ?? listeners.first
        else {
            throw ConfigurationError(
                """
                aseed run with --authorizer needs a SASL listener (SASL_PLAINTEXT or SASL_SSL) where the simulator, \
                analyzer and dashboard log in; e.g. add SASL_PLAINTEXT://127.0.0.1:9095 to --listeners
                """
            )
        }
        let mechanism: SaslMechanism =
            broker.saslMechanisms.contains(.scramSHA512) ? .scramSHA512 : broker.saslMechanisms[0]
        let login = KafkaClientSecurity.SaslLogin(
            mechanism: mechanism,
            username: Self.applianceUser,
            password: SecureRandom.nonce() + SecureRandom.nonce()
        )
        broker.applianceLogin = login
        var tls: KafkaClientSecurity.TLS?
        if listener.securityProtocol.usesTLS {
            // Its own certificate, over the loopback: the name in it may be another host's.
            let certificate = broker.tlsCertificatePath ?? broker.dataDirectory + "/tls/certificate.pem"
            tls = KafkaClientSecurity.TLS(caFile: certificate, verifiesHostname: false)
        }
        bootstrap = "\(Self.reachableHost(listener.host)):\(listener.port)"
        security = KafkaClientSecurity(sasl: login, tls: tls)
    }

    /// A listener bound to every address is reached on the loopback.
    private static func reachableHost(_ host: String) -> String {
        ["0.0.0.0", "::", "", "[::]"].contains(host) ? "127.0.0.1" : host
    }
}

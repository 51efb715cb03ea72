import ApplianceKit
import ArgumentParser
import KafkaWire

/// How the appliance's clients (operator commands, and the components with
/// `--bootstrap-servers`) log in to a secured cluster: Kafka's client settings
/// `security.protocol`, `sasl.mechanism`, `sasl.username`, `sasl.password`, `ssl.ca.location`.
struct ClientSecurityOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL, as the cluster's listener wants. Default: PLAINTEXT",
            valueName: "protocol"
        )
    )
    var securityProtocol: String?

    @Option(
        help: ArgumentHelp(
            "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 for SASL protocols. Default: SCRAM-SHA-256",
            valueName: "name"
        )
    )
    var saslMechanism: String?

    @Option(help: ArgumentHelp("User name of the SASL login.", valueName: "name"))
    var saslUsername: String?

    @Option(
        help: ArgumentHelp(
            "Password of the SASL login; better given as ASEED_SASL_PASSWORD, out of the process list.",
            valueName: "password"
        )
    )
    var saslPassword: String?

    @Option(
        help: ArgumentHelp(
            """
            PEM file of the certificates to trust for SSL and SASL_SSL, e.g. the appliance's \
            <data-dir>/tls/certificate.pem. Default: the system's
            """,
            valueName: "file"
        )
    )
    var sslCaLocation: String?

    /// The client security these options (or their environment variables and config keys) ask for.
    func security(_ settings: Settings) throws -> KafkaClientSecurity {
        let name = settings.string("security-protocol", flag: securityProtocol, default: "PLAINTEXT").uppercased()
        let (usesSasl, usesTLS): (Bool, Bool)
        switch name {
        case "PLAINTEXT": (usesSasl, usesTLS) = (false, false)
        case "SASL_PLAINTEXT": (usesSasl, usesTLS) = (true, false)
        case "SSL": (usesSasl, usesTLS) = (false, true)
        case "SASL_SSL": (usesSasl, usesTLS) = (true, true)
        default:
            throw ConfigurationError(
                "security-protocol: expected PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL, got '\(name)'"
            )
        }
        var security = KafkaClientSecurity()
        if usesTLS {
            security.tls = KafkaClientSecurity.TLS(
                caFile: settings.optionalString("ssl-ca-location", flag: sslCaLocation)
            )
        }
        if usesSasl {
            let mechanismName = settings.string("sasl-mechanism", flag: saslMechanism, default: "SCRAM-SHA-256")
            guard let mechanism = SaslMechanism(rawValue: mechanismName.uppercased()) else {
                throw ConfigurationError(
                    "sasl-mechanism: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got '\(mechanismName)'"
                )
            }
            guard let username = settings.optionalString("sasl-username", flag: saslUsername),
                let password = settings.optionalString("sasl-password", flag: saslPassword)
            else {
                throw ConfigurationError(
                    "security-protocol \(name) needs --sasl-username and --sasl-password (or ASEED_SASL_PASSWORD)"
                )
            }
            security.sasl = KafkaClientSecurity.SaslLogin(mechanism: mechanism, username: username, password: password)
        }
        return security
    }
}

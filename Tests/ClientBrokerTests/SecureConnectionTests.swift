import Foundation
import KafkaWire
import MiniBroker
import Testing

/// KafkaWire's client logging in with SASL (PLAIN, SCRAM-SHA-256/512) over TLS to the broker's
/// SASL_SSL listener, trusting the certificate the broker made; and refused as it should be.
@Suite("Client logins over SASL and TLS", .serialized)
struct SecureConnectionTests {
    private static let password = "correct horse"

    /// A broker with its PLAINTEXT listener and a SASL_SSL one on `securePort`, with `alice`'s
    /// SCRAM-SHA-256 and SCRAM-SHA-512 credentials made over the PLAINTEXT one.
    private static func withSecureBroker(
        _ body: (_ secure: BrokerAddress, _ certificate: String) async throws -> Void
    ) async throws {
        let securePort = FreePort.next()
        var dataDirectory = ""
        let addSecureListener = { (configuration: inout BrokerConfiguration) in
            configuration.additionalListeners = [
                KafkaListener(
                    securityProtocol: .saslSSL,
                    host: "127.0.0.1",
                    port: securePort,
                    advertisedHost: "127.0.0.1",
                    advertisedPort: securePort
                )
            ]
            dataDirectory = configuration.dataDirectory
        }
        try await InProcessBroker.with(addSecureListener) { broker in
            let admin = KafkaAdmin(configuration: KafkaClusterConfiguration(bootstrapServers: [broker.address]))
            for mechanism in ScramMechanism.allCases {
                let salt = ScramMechanism.newSalt()
                try await admin.upsertScramCredential(
                    user: "alice",
                    mechanism: mechanism.kafkaType,
                    iterations: 4096,
                    salt: salt,
                    saltedPassword: mechanism.saltedPassword(Array(password.utf8), salt: salt, iterations: 4096)
                )
            }
            await admin.close()
            try await body(
                BrokerAddress(host: "127.0.0.1", port: securePort),
                dataDirectory + "/tls/certificate.pem"
            )
        }
    }

    private static func topics(
        at address: BrokerAddress,
        _ login: KafkaClientSecurity.SaslLogin,
        caFile: String
    ) async throws -> [String] {
        var configuration = KafkaClusterConfiguration(bootstrapServers: [address])
        configuration.connectAttempts = 1
        configuration.security = KafkaClientSecurity(sasl: login, tls: .init(caFile: caFile))
        let admin = KafkaAdmin(configuration: configuration)
        defer { Task { await admin.close() } }
        return try await admin.listTopics().map(\.name)
    }

    @Test func everyMechanismLogsInOverTLS() async throws {
        try await Self.withSecureBroker { secure, certificate in
            for mechanism in SaslMechanism.allCases {
                let login = KafkaClientSecurity.SaslLogin(
                    mechanism: mechanism,
                    username: "alice",
                    password: Self.password
                )
                let names = try await Self.topics(at: secure, login, caFile: certificate)
                #expect(names.contains("orders"))
            }
        }
    }

    @Test func aWrongPasswordAndAnUntrustedCertificateAreRefused() async throws {
        try await Self.withSecureBroker { secure, certificate in
            let wrong = KafkaClientSecurity.SaslLogin(mechanism: .scramSHA512, username: "alice", password: "guess")
            let refused = await #expect(throws: KafkaClientError.self) {
                try await Self.topics(at: secure, wrong, caFile: certificate)
            }
            #expect(refused?.code == .authenticationFailed)
            #expect(refused?.kafkaErrorCode == .saslAuthenticationFailed)
            // The system's roots do not include the broker's own certificate.
            let right = KafkaClientSecurity.SaslLogin(mechanism: .plain, username: "alice", password: Self.password)
            var configuration = KafkaClusterConfiguration(bootstrapServers: [secure])
            configuration.connectAttempts = 1
            configuration.security = KafkaClientSecurity(sasl: right, tls: .init())
            let admin = KafkaAdmin(configuration: configuration)
            let untrusted = await #expect(throws: KafkaClientError.self) { try await admin.listTopics() }
            #expect(untrusted?.code == .authenticationFailed)
            #expect(untrusted?.message.contains("TLS handshake") == true)
            await admin.close()
        }
    }
}

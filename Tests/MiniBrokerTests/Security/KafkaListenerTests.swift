import KafkaWire
import Testing

@testable import MiniBroker

@Suite("Kafka listeners: Kafka's listeners / advertised.listeners syntax")
struct KafkaListenerTests {
    @Test func listenersWithAndWithoutAdvertisedAddresses() throws {
        let listeners = try KafkaListener.parse(
            "PLAINTEXT://0.0.0.0:9092, SASL_PLAINTEXT://10.0.0.5:9094",
            advertised: "SASL_PLAINTEXT://teacher.local:19094"
        )
        #expect(
            listeners == [
                KafkaListener(
                    securityProtocol: .plaintext,
                    host: "0.0.0.0",
                    port: 9092,
                    advertisedHost: "localhost",
                    advertisedPort: 9092
                ),
                KafkaListener(
                    securityProtocol: .saslPlaintext,
                    host: "10.0.0.5",
                    port: 9094,
                    advertisedHost: "teacher.local",
                    advertisedPort: 19094
                ),
            ]
        )
    }

    @Test func emptyHostBindsEverywhereAndIPv6IsBracketed() throws {
        let listeners = try KafkaListener.parse("sasl_plaintext://:9094,PLAINTEXT://[::1]:9092", advertised: nil)
        #expect(listeners[0].host == "0.0.0.0" && listeners[0].advertisedHost == "localhost")
        #expect(listeners[1].host == "::1" && listeners[1].advertisedHost == "::1")
    }

    @Test(
        arguments: [
            ("", nil), ("PLAINTEXT:9092", nil), ("TLS://:9093", nil), ("PLAINTEXT://host", nil),
            ("PLAINTEXT://:99999", nil),
            ("PLAINTEXT://:1,PLAINTEXT://:2", nil), ("PLAINTEXT://:1", "SASL_PLAINTEXT://h:2"),
            ("SSL://:1", "SASL_SSL://h:2"),
        ] as [(String, String?)]
    )
    func refused(listeners: String, advertised: String?) {
        #expect(throws: SecurityConfigurationError.self) { try KafkaListener.parse(listeners, advertised: advertised) }
    }

    @Test func tlsProtocols() throws {
        let listeners = try KafkaListener.parse("SSL://:9093,SASL_SSL://:9094", advertised: nil)
        #expect(listeners.map(\.securityProtocol) == [.ssl, .saslSSL])
        #expect(listeners.map(\.securityProtocol.usesTLS) == [true, true])
        #expect(listeners.map(\.securityProtocol.usesSasl) == [false, true])
    }

    @Test func mechanismLists() throws {
        #expect(try SaslMechanism.list("scram-sha-512, PLAIN") == [.scramSHA512, .plain])
        #expect(throws: SecurityConfigurationError.self) { try SaslMechanism.list("GSSAPI") }
        #expect(throws: SecurityConfigurationError.self) { try SaslMechanism.list("") }
    }
}

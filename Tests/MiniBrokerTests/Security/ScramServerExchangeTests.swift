import Common
import KafkaWire
import Testing

@testable import MiniBroker

@Suite("SCRAM server exchange")
struct ScramServerExchangeTests {
    /// The example exchange of RFC 7677 section 3 (user "user", password "pencil").
    @Test func rfc7677Sha256Example() throws {
        let salt = try #require(Base64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
        let credential = ScramCredential(
            mechanism: .sha256,
            salt: salt,
            saltedPassword: ScramMechanism.sha256.saltedPassword(Array("pencil".utf8), salt: salt, iterations: 4096),
            iterations: 4096
        )
        var exchange = ScramServerExchange(
            mechanism: .sha256,
            decoySecret: [1, 2, 3],
            serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        ) { $0 == "user" ? credential : nil }
        let serverFirst = try exchange.respond(toClientFirst: Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8))
        #expect(
            String(decoding: serverFirst, as: UTF8.self)
                == "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        )
        let clientFinal =
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        let (user, serverFinal) = try exchange.respond(toClientFinal: Array(clientFinal.utf8))
        #expect(user == "user")
        #expect(String(decoding: serverFinal, as: UTF8.self) == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    @Test(arguments: [ScramMechanism.sha256, .sha512])
    func rightPasswordPassesAndWrongOneFails(mechanism: ScramMechanism) throws {
        let credential = ScramCredential(mechanism: mechanism, password: "s3cret", iterations: 4096)
        let lookup: (String) -> ScramCredential? = { $0 == "alice" ? credential : nil }
        let good = try ScramTestClient(mechanism: mechanism, user: "alice", password: "s3cret").run(lookup)
        #expect(good == .success("alice"))
        let bad = try ScramTestClient(mechanism: mechanism, user: "alice", password: "guess").run(lookup)
        #expect(bad == .failure(.invalidCredentials(mechanism.sasl)))
    }

    @Test func unknownUserLooksLikeAKnownOneUntilTheProof() throws {
        var first = ScramServerExchange(mechanism: .sha256, decoySecret: [7]) { _ in nil }
        let answer = String(decoding: try first.respond(toClientFirst: Array("n,,n=mallory,r=abc".utf8)), as: UTF8.self)
        #expect(answer.contains(",s=") && answer.hasSuffix(",i=4096"))
        var again = ScramServerExchange(mechanism: .sha256, decoySecret: [7]) { _ in nil }
        let repeated = String(
            decoding: try again.respond(toClientFirst: Array("n,,n=mallory,r=abc".utf8)),
            as: UTF8.self
        )
        // The same made-up salt each time: a changing salt would give the name away.
        #expect(answer.split(separator: ",")[1] == repeated.split(separator: ",")[1])
        let outcome = try ScramTestClient(mechanism: .sha256, user: "mallory", password: "x").run { _ in nil }
        #expect(outcome == .failure(.invalidCredentials(.scramSHA256)))
    }

    @Test(arguments: [
        "", "n,,", "p=tls-unique,,n=a,r=b", "n,,r=abc", "n,,n=a", "x,,n=a,r=b", "n,,n=a=41,r=b", "n,a=bob,n=alice,r=b",
        "n,,n=alice,r=b,tokenauth=true",
    ])
    func malformedOrRefusedClientFirst(message: String) {
        var exchange = ScramServerExchange(mechanism: .sha256, decoySecret: [1]) { _ in nil }
        #expect(throws: SaslFailure.self) { try exchange.respond(toClientFirst: Array(message.utf8)) }
    }

    @Test func clientFinalWithWrongNonceOrBindingFails() throws {
        let credential = ScramCredential(mechanism: .sha256, password: "pw")
        for message in ["c=biws,r=other,p=AAAA", "c=eSws,r=CS,p=AAAA", "c=biws,r=CS", "garbage"] {
            var exchange = ScramServerExchange(mechanism: .sha256, decoySecret: [1], serverNonce: "S") { _ in credential
            }
            _ = try exchange.respond(toClientFirst: Array("n,,n=u,r=C".utf8))
            #expect(throws: SaslFailure.self) { try exchange.respond(toClientFinal: Array(message.utf8)) }
        }
    }

    @Test func escapedNames() {
        #expect(ScramMessage.unescape("a=2Cb=3Dc") == "a,b=c")
        #expect(ScramMessage.unescape("a=2") == nil)
        #expect(ScramMessage.unescape("plain") == "plain")
    }
}

/// KafkaWire's SCRAM client against the server exchange.
struct ScramTestClient {
    let mechanism: ScramMechanism
    let user: String
    let password: String

    func run(_ lookup: @escaping (String) -> ScramCredential?) throws -> Result<String, SaslFailure> {
        var server = ScramServerExchange(mechanism: mechanism, decoySecret: [9], lookup: lookup)
        var client = ScramClientExchange(
            mechanism: mechanism,
            user: user,
            password: password,
            clientNonce: "fyko+d2lbbFgONRv9qkxdawL"
        )
        do {
            let serverFirst = try server.respond(toClientFirst: client.clientFirst)
            let (name, serverFinal) = try server.respond(
                toClientFinal: try client.clientFinal(serverFirst: serverFirst)
            )
            try client.verify(serverFinal: serverFinal)
            return .success(name)
        } catch let failure as SaslFailure {
            return .failure(failure)
        }
    }
}

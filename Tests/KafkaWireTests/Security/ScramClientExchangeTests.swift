import Testing

@testable import KafkaWire

@Suite("SCRAM client exchange")
struct ScramClientExchangeTests {
    private static let serverFirst =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"

    private static func exchange() -> ScramClientExchange {
        ScramClientExchange(mechanism: .sha256, user: "user", password: "pencil", clientNonce: "rOprNGfwEbeRWgbNEkqO")
    }

    /// The example exchange of RFC 7677 section 3, from the client's side.
    @Test func rfc7677Sha256Example() throws {
        var client = Self.exchange()
        #expect(String(decoding: client.clientFirst, as: UTF8.self) == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let final = try client.clientFinal(serverFirst: Array(Self.serverFirst.utf8))
        #expect(
            String(decoding: final, as: UTF8.self)
                == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        )
        try client.verify(serverFinal: Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        #expect(throws: ScramClientFailure.self) {
            try client.verify(serverFinal: Array("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        }
    }

    @Test(arguments: [
        "r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100",
        "e=unknown-user",
        "garbage",
    ])
    func unacceptableServerFirstMessages(message: String) {
        var client = Self.exchange()
        #expect(throws: ScramClientFailure.self) { try client.clientFinal(serverFirst: Array(message.utf8)) }
    }

    @Test func namesAreEscaped() {
        #expect(ScramMessage.escape("a,b=c") == "a=2Cb=3Dc")
        #expect(ScramMessage.unescape(ScramMessage.escape("x=,y")) == "x=,y")
    }
}

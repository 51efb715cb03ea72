import Testing

@testable import MiniBroker

@Suite("SASL PLAIN token")
struct PlainTokenTests {
    @Test func withAndWithoutAuthorizationID() throws {
        let token = try PlainToken(Array("\u{0}alice\u{0}pw".utf8))
        #expect(token.user == "alice" && token.password == "pw")
        #expect(try PlainToken(Array("alice\u{0}alice\u{0}p\u{0}w".utf8)).password == "p\u{0}w")
    }

    @Test(arguments: ["", "alice", "\u{0}alice", "\u{0}\u{0}pw", "\u{0}alice\u{0}", "bob\u{0}alice\u{0}pw"])
    func refused(token: String) {
        #expect(throws: SaslFailure.self) { try PlainToken(Array(token.utf8)) }
    }
}

import KafkaWire
import Testing

@testable import MiniBroker

@Suite("User credentials: KIP-554 alterations, kept across restarts")
struct UserCredentialsTests {
    private static func upsert(
        _ mechanism: ScramMechanism,
        password: String,
        iterations: Int32 = 4096
    ) -> UserCredentials.Change {
        let salt = ScramMechanism.newSalt()
        let salted = mechanism.saltedPassword(Array(password.utf8), salt: salt, iterations: Int(iterations))
        return .upsert(mechanism: mechanism.kafkaType, iterations: iterations, salt: salt, saltedPassword: salted)
    }

    @Test func upsertedCredentialsSurviveARestartAndCheckPasswords() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let users = try UserCredentials(store: try MetadataStore(dataDirectory: directory.path))
            let refusals = try users.alter([
                ("alice", Self.upsert(.sha256, password: "pw1")),
                ("bob", Self.upsert(.sha512, password: "pw2", iterations: 8192)),
            ])
            #expect(refusals.isEmpty)
        }
        let reopened = try UserCredentials(store: try MetadataStore(dataDirectory: directory.path))
        #expect(reopened.all().map(\.user) == ["alice", "bob"])
        let bob = try #require(reopened.credential(user: "bob", mechanism: .sha512))
        #expect(bob.iterations == 8192)
        #expect(bob.matches(password: "pw2"))
        #expect(!bob.matches(password: "pw1"))
        #expect(reopened.credential(user: "bob", mechanism: .sha256) == nil)
    }

    @Test func oneBadChangeFailsOnlyThatUsersChanges() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let users = try UserCredentials(store: try MetadataStore(dataDirectory: directory.path))
        let refusals = try users.alter([
            ("carol", Self.upsert(.sha256, password: "ok")),
            ("carol", Self.upsert(.sha512, password: "too few", iterations: 100)),
            ("dave", Self.upsert(.sha256, password: "fine")),
        ])
        #expect(refusals["carol"]?.code == .unacceptableCredential)
        #expect(refusals["dave"] == nil)
        #expect(users.credentials(of: "carol").isEmpty)
        #expect(users.credentials(of: "dave").count == 1)
    }

    @Test func refusals() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let users = try UserCredentials(store: try MetadataStore(dataDirectory: directory.path))
        let refusals = try users.alter([
            ("ghost", .delete(mechanism: 1)),
            ("twice", Self.upsert(.sha256, password: "a")), ("twice", .delete(mechanism: 1)),
            ("odd", .upsert(mechanism: 3, iterations: 4096, salt: [1], saltedPassword: [2])),
            ("short", .upsert(mechanism: 1, iterations: 4096, salt: [1], saltedPassword: [2])),
            ("", Self.upsert(.sha256, password: "a")),
        ])
        #expect(refusals["ghost"]?.code == .resourceNotFound)
        #expect(refusals["twice"]?.code == .duplicateResource)
        #expect(refusals["odd"]?.code == .unsupportedSaslMechanism)
        #expect(refusals["short"]?.code == .unacceptableCredential)
        #expect(refusals[""]?.code == .unacceptableCredential)
        #expect(users.all().isEmpty)
    }

    @Test func deletionRemovesOneMechanismThenTheUser() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let users = try UserCredentials(store: try MetadataStore(dataDirectory: directory.path))
        _ = try users.alter([
            ("erin", Self.upsert(.sha256, password: "x")), ("erin", Self.upsert(.sha512, password: "x")),
        ])
        #expect(try users.alter([("erin", .delete(mechanism: 2))]).isEmpty)
        #expect(users.credentials(of: "erin").map(\.mechanism) == [.sha256])
        #expect(try users.alter([("erin", .delete(mechanism: 1))]).isEmpty)
        #expect(users.all().isEmpty)
    }
}

import Foundation
import Testing

@testable import Dashboard

@Suite("Admin token: comparison and the generated file")
struct SecurityTests {
    @Test func theTokenMatchesOnlyItself() {
        let token = AdminToken("secret-token-1234")
        #expect(token.matches(Array("secret-token-1234".utf8)))
        #expect(!token.matches(Array("secret-token-1235".utf8)))
        #expect(!token.matches(Array("secret-token-123".utf8)))
        #expect(!token.matches([]))
        // A repetition of the token whose length differs by a multiple of 256 must not match.
        let repeated = String(repeating: "secret-token-1234", count: 16)
        #expect(!token.matches(Array(repeated.utf8)))
        #expect(!AdminToken("").matches([]))
    }

    @Test func theTokenFileIsMadeOnceWithMode0600() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aseed-token-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try AdminTokenFile.load(directory: directory + "/dashboard")
        #expect(first.created)
        #expect(first.token.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try AdminTokenFile.load(directory: directory + "/dashboard")
        #expect(!second.created)
        #expect(second.token == first.token)
    }
}

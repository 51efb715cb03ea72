import Testing

@testable import MiniBroker

@Suite("Group member ids")
struct GroupMemberIdTests {
    @Test("a generated id is the client id, a dash and a version-4 UUID")
    func generatedIdShape() {
        let id = GroupMemberId.generate(clientId: "consumer-1")
        #expect(id.hasPrefix("consumer-1-"))
        let uuid = id.dropFirst("consumer-1-".count)
        #expect(uuid.count == 36)
        #expect(uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(uuid[uuid.index(uuid.startIndex, offsetBy: 14)] == "4")
        #expect(GroupMemberId.generate(clientId: "c") != GroupMemberId.generate(clientId: "c"))
    }
}

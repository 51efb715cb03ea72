import Testing

@testable import MiniBroker

@Suite("Group member ids")
struct GroupMemberIDTests {
    @Test("a generated id is the client id, a dash and a version-4 UUID")
    func generatedIdShape() {
        let id = GroupMemberID.generate(clientID: "consumer-1")
        #expect(id.hasPrefix("consumer-1-"))
        let uuid = id.dropFirst("consumer-1-".count)
        #expect(uuid.count == 36)
        #expect(uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(uuid[uuid.index(uuid.startIndex, offsetBy: 14)] == "4")
        #expect(GroupMemberID.generate(clientID: "c") != GroupMemberID.generate(clientID: "c"))
    }
}

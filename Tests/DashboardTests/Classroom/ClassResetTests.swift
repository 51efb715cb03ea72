import Testing

@testable import Dashboard

@Suite("Class reset: what a class leaves behind goes, the appliance's own stays")
struct ClassResetTests {
    static func console() -> FakeConsole {
        FakeConsole(
            classTopics: ["students.alice", "lab", "__consumer_offsets", "orders.dlq", "aseed-probe"],
            classGroups: [
                ConsoleGroup(groupID: "g-alice", state: "Empty", protocolType: "consumer", members: 0),
                ConsoleGroup(groupID: "g-bob", state: "Stable", protocolType: "consumer", members: 2),
                ConsoleGroup(groupID: "g-carol-joined", state: "Empty", protocolType: "consumer", members: 0),
            ]
        )
    }

    @Test func truncatingRemovesTheClassAndEveryOrder() async throws {
        let console = Self.console()
        var report = ClassResetReport()
        try await ClassReset(console: console, ordersTopics: ["orders", "orders.dlq"])
            .clear(orders: .truncate, into: &report)
        #expect(report.removedTopics == ["students.alice", "lab"])
        #expect(report.removedGroups == ["g-alice"])
        #expect(report.keptGroups.map(\.groupID) == ["g-bob", "g-carol-joined"])
        #expect(report.keptGroups[0].reason.hasPrefix("2 members are still connected"))
        #expect(report.keptGroups[1].reason.hasPrefix("members are still connected"))
        // orders holds 100 + 101 + 102 records; the empty dead letters topic needs no deletion.
        #expect(report.deletedRecords == 303)
        #expect(
            console.actions.withLock { $0 } == [
                "delete-group g-alice", "delete students.alice", "delete lab", "delete-records orders all -1",
            ]
        )
    }

    @Test func keepingTheOrdersDeletesNoRecord() async throws {
        let console = Self.console()
        var report = ClassResetReport()
        try await ClassReset(console: console, ordersTopics: ["orders", "orders.dlq"]).clear(
            orders: .keep,
            into: &report
        )
        #expect(report.deletedRecords == 0)
        #expect(!console.actions.withLock { $0 }.contains { $0.hasPrefix("delete-records") })
        #expect(report.summary == "removed 2 topics and 1 groups, kept the orders, kept 2 groups with members")
    }

    @Test func theApplianceTopicsAndGroupsAreKnownByName() {
        let reset = ClassReset(console: FakeConsole(), ordersTopics: ["sales", "sales.dlq"])
        for name in ["sales", "sales.dlq", "__transaction_state", "aseed-probe"] {
            #expect(reset.isApplianceTopic(name))
        }
        for name in ["orders", "students.alice", "lab"] { #expect(!reset.isApplianceTopic(name)) }
        #expect(ClassReset.isApplianceGroup("aseed-analyzer"))
        #expect(!ClassReset.isApplianceGroup("g-alice"))
    }
}

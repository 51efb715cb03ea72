import Testing

@testable import Dashboard

@Suite("Why a student's step is not done yet")
struct LabFindingsTests {
    @Test func aStudentGetsTheFindingsAboutTheirClientsAndGroups() {
        let findings = [
            DoctorFinding(kind: .idleConsumers, subject: "s1", groupID: "g-alice-pair", problem: "p1", fix: "f1"),
            DoctorFinding(kind: .refusedProducer, subject: "s2", clientID: "alice", problem: "p2", fix: "f2"),
            DoctorFinding(kind: .refusedProducer, subject: "s3", clientID: "malice", problem: "p3", fix: "f3"),
            DoctorFinding(kind: .rebalanceLoop, subject: "s4", groupID: "malice-group", problem: "p4", fix: "f4"),
            DoctorFinding(
                kind: .unreachableAdvertisedAddress,
                subject: "'alice' from 10.0.0.7",
                problem: "p5",
                fix: "f5"
            ),
        ]
        #expect(DashboardAPI.findings(of: "alice", among: findings, connections: []).map(\.problem) == ["p1", "p2"])
        #expect(DashboardAPI.findings(of: "malice", among: findings, connections: []).map(\.problem) == ["p3", "p4"])
        #expect(DashboardAPI.findings(of: "bob", among: findings, connections: []).isEmpty)
        // A student who logs in is known by the user name, whatever client id the program sets.
        let login = LabObservationTests.connection("malice", principal: "User:bob")
        #expect(DashboardAPI.findings(of: "bob", among: findings, connections: [login]).map(\.problem) == ["p3"])
    }
}

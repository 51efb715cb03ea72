import Testing

@testable import Dashboard

@Suite("Why a student's step is not done yet")
struct LabFindingsTests {
    @Test func aStudentGetsTheFindingsAboutTheirClientsAndGroups() {
        let findings = [
            DoctorFinding(kind: .idleConsumers, subject: "group 'g-alice-pair'", problem: "p1", fix: "f1"),
            DoctorFinding(kind: .refusedProducer, subject: "'alice' from 10.0.0.5", problem: "p2", fix: "f2"),
            DoctorFinding(kind: .refusedProducer, subject: "'malice' from 10.0.0.6", problem: "p3", fix: "f3"),
            DoctorFinding(kind: .rebalanceLoop, subject: "group 'malice-group'", problem: "p4", fix: "f4"),
        ]
        #expect(DashboardAPI.findings(of: "alice", among: findings).map(\.problem) == ["p1", "p2"])
        #expect(DashboardAPI.findings(of: "malice", among: findings).map(\.problem) == ["p3", "p4"])
        #expect(DashboardAPI.findings(of: "bob", among: findings).isEmpty)
    }
}

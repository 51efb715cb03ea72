import Testing

@testable import MiniBroker

@Suite("Classroom preset: what students may do without ACLs")
struct ClassroomPolicyTests {
    private static let policy = ClassroomPolicy()

    private static func allows(
        _ student: String?,
        _ operation: AclOperation,
        _ type: AclResourceType,
        _ name: String
    ) -> Bool {
        policy.allows(student: student, operation, type, name)
    }

    @Test func studentsReadEverythingAndOwnTheirPrefixes() {
        #expect(Self.allows("alice", .read, .topic, "orders"))
        #expect(Self.allows("alice", .describeConfigs, .topic, "orders"))
        #expect(!Self.allows("alice", .write, .topic, "orders"))
        #expect(!Self.allows("alice", .alterConfigs, .topic, "orders"))
        for own in ["alice.lab1", "students.alice", "students.alice.clicks"] {
            for operation in [AclOperation.create, .write, .delete, .alter, .alterConfigs] {
                #expect(Self.allows("alice", operation, .topic, own), "\(operation) on \(own)")
            }
        }
        for other in ["alice", "alicex.lab", "students.alicex", "bob.lab1", "students.bob"] {
            #expect(!Self.allows("alice", .write, .topic, other), "\(other)")
            #expect(!Self.allows("alice", .delete, .topic, other), "\(other)")
        }
        #expect(!Self.allows(nil, .create, .topic, "alice.lab1"))
    }

    @Test func groupsAndTransactionalIdsCarryingTheNameAreTheStudents() {
        for own in ["alice", "g-alice", "alice.lab1", "lab_alice_2"] {
            #expect(Self.allows("alice", .read, .group, own), "\(own)")
            #expect(Self.allows("alice", .write, .transactionalId, own), "\(own)")
        }
        for other in ["malice", "g-bob", "alicegroup"] {
            #expect(!Self.allows("alice", .read, .group, other), "\(other)")
            #expect(!Self.allows("alice", .write, .transactionalId, other), "\(other)")
        }
        #expect(Self.allows("alice", .describe, .group, "g-bob"))
        #expect(!Self.allows("alice", .delete, .group, "g-bob"))
        // The appliance's groups are the teacher's, even for a student named after a word in them.
        #expect(!Self.allows("analyzer", .read, .group, "aseed-analyzer"))
        #expect(Self.allows("analyzer", .describe, .group, "aseed-analyzer"))
    }

    @Test func theBrokersConfigsAreReadButUsersAndAclsAreTheTeachers() {
        #expect(Self.allows("alice", .describeConfigs, .cluster, "kafka-cluster"))
        #expect(!Self.allows("alice", .describe, .cluster, "kafka-cluster"))
        #expect(Self.allows("alice", .idempotentWrite, .cluster, "kafka-cluster"))
        #expect(!Self.allows("alice", .alter, .cluster, "kafka-cluster"))
        #expect(!Self.allows("alice", .alterConfigs, .cluster, "kafka-cluster"))
    }

    @Test func studentsAreNamedByUserElseClientIdAndReservedNamesNameNobody() {
        #expect(ClassroomPolicy.studentName(principal: KafkaPrincipal(user: "alice"), clientID: "x") == "alice")
        #expect(ClassroomPolicy.studentName(principal: .anonymous, clientID: "bob") == "bob")
        #expect(ClassroomPolicy.studentName(principal: .anonymous, clientID: nil) == nil)
        for reserved in ["students", "orders", "aseed", "aseed-analyzer"] {
            #expect(ClassroomPolicy.studentName(principal: .anonymous, clientID: reserved) == nil)
        }
    }

    @Test func explicitAclsComeFirst() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let authorizer = try AclAuthorizer(
            store: try MetadataStore(dataDirectory: directory.path),
            superUsers: [ClassroomPolicy.teacher],
            allowEveryoneIfNoAclFound: false,
            classroom: ClassroomPolicy()
        )
        try authorizer.create([
            AclBinding(
                resourceType: .topic,
                resourceName: "shared",
                principal: "User:*",
                operation: .write,
                permission: .allow
            ),
            AclBinding(
                resourceType: .topic,
                resourceName: "alice.",
                patternType: .prefixed,
                principal: "User:alice",
                operation: .delete,
                permission: .deny
            ),
        ])
        let alice = KafkaPrincipal(user: "alice")
        #expect(authorizer.authorize(.anonymous, host: "h", clientID: "carol", .write, .topic, "shared"))
        #expect(authorizer.authorize(.anonymous, host: "h", clientID: "carol", .write, .topic, "carol.x"))
        #expect(!authorizer.authorize(.anonymous, host: "h", clientID: "carol", .write, .topic, "orders"))
        #expect(authorizer.authorize(alice, host: "h", .write, .topic, "alice.x"))
        #expect(!authorizer.authorize(alice, host: "h", .delete, .topic, "alice.x"))
        #expect(authorizer.authorize(KafkaPrincipal(user: "teacher"), host: "h", .delete, .topic, "alice.x"))
    }
}

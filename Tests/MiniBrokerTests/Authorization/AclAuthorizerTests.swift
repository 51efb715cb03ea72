import Testing

@testable import MiniBroker

@Suite("ACL authorizer: Kafka's rules for deny, allow, implied operations, patterns and super users")
struct AclAuthorizerTests {
    private static let alice = KafkaPrincipal(user: "alice")
    private static let bob = KafkaPrincipal(user: "bob")
    private static let host = "10.0.0.7"

    private static func acl(
        _ name: String,
        prefixed: Bool = false,
        type: AclResourceType = .topic,
        principal: String = "User:alice",
        host: String = "*",
        _ operation: AclOperation,
        _ permission: AclPermission = .allow
    ) -> AclBinding {
        AclBinding(
            resourceType: type,
            resourceName: name,
            patternType: prefixed ? .prefixed : .literal,
            principal: principal,
            host: host,
            operation: operation,
            permission: permission
        )
    }

    private static func authorizer(
        _ directory: TemporaryDirectory,
        _ bindings: [AclBinding],
        superUsers: Set<String> = [],
        allowEveryoneIfNoAclFound: Bool = false
    ) throws -> AclAuthorizer {
        let authorizer = try AclAuthorizer(
            store: try MetadataStore(dataDirectory: directory.path),
            superUsers: superUsers,
            allowEveryoneIfNoAclFound: allowEveryoneIfNoAclFound
        )
        try authorizer.create(bindings)
        return authorizer
    }

    @Test func allowGrantsOnlyItsOperationAndWhatItImplies() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let acls = try Self.authorizer(directory, [Self.acl("orders", .read), Self.acl("configs", .alterConfigs)])
        #expect(acls.authorize(Self.alice, host: Self.host, .read, .topic, "orders"))
        #expect(acls.authorize(Self.alice, host: Self.host, .describe, .topic, "orders"))
        #expect(!acls.authorize(Self.alice, host: Self.host, .write, .topic, "orders"))
        #expect(!acls.authorize(Self.alice, host: Self.host, .delete, .topic, "orders"))
        #expect(acls.authorize(Self.alice, host: Self.host, .describeConfigs, .topic, "configs"))
        #expect(!acls.authorize(Self.alice, host: Self.host, .describe, .topic, "configs"))
        #expect(!acls.authorize(Self.bob, host: Self.host, .read, .topic, "orders"))
        #expect(!acls.authorize(Self.alice, host: Self.host, .read, .group, "orders"))
    }

    @Test func denyWinsAndIsNotWidenedToImpliedOperations() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let acls = try Self.authorizer(
            directory,
            [
                Self.acl("orders", principal: "User:*", .all),
                Self.acl("orders", .write, .deny),
                Self.acl("secret", principal: "User:*", .read),
                Self.acl("secret", principal: "User:*", .all, .deny),
            ]
        )
        #expect(!acls.authorize(Self.alice, host: Self.host, .write, .topic, "orders"))
        #expect(acls.authorize(Self.alice, host: Self.host, .read, .topic, "orders"))
        #expect(acls.authorize(Self.alice, host: Self.host, .describe, .topic, "orders"))
        #expect(acls.authorize(Self.bob, host: Self.host, .write, .topic, "orders"))
        #expect(!acls.authorize(Self.bob, host: Self.host, .read, .topic, "secret"))
        #expect(!acls.authorize(Self.bob, host: Self.host, .describe, .topic, "secret"))
    }

    @Test func patternsWildcardsAndHosts() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let acls = try Self.authorizer(
            directory,
            [
                Self.acl("alice.", prefixed: true, .write),
                Self.acl("*", .describe),
                Self.acl("g-alice", type: .group, host: "10.0.0.7", .read),
            ]
        )
        #expect(acls.authorize(Self.alice, host: Self.host, .write, .topic, "alice.orders"))
        #expect(acls.authorize(Self.alice, host: Self.host, .write, .topic, "alice."))
        #expect(!acls.authorize(Self.alice, host: Self.host, .write, .topic, "alice"))
        #expect(!acls.authorize(Self.alice, host: Self.host, .write, .topic, "bob.orders"))
        #expect(acls.authorize(Self.alice, host: Self.host, .describe, .topic, "anything"))
        #expect(acls.authorize(Self.alice, host: "10.0.0.7", .read, .group, "g-alice"))
        #expect(!acls.authorize(Self.alice, host: "10.0.0.8", .read, .group, "g-alice"))
    }

    @Test func superUsersAndResourcesNoAclNames() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let open = try Self.authorizer(
            directory,
            [Self.acl("orders", principal: "User:bob", .read)],
            superUsers: ["User:teacher"],
            allowEveryoneIfNoAclFound: true
        )
        #expect(open.authorize(KafkaPrincipal(user: "teacher"), host: Self.host, .delete, .topic, "orders"))
        #expect(open.authorize(Self.alice, host: Self.host, .write, .topic, "unnamed"))
        // An ACL names "orders", so its absence for alice is a refusal.
        #expect(!open.authorize(Self.alice, host: Self.host, .read, .topic, "orders"))
        let closedDirectory = TemporaryDirectory()
        defer { closedDirectory.remove() }
        let closed = try Self.authorizer(closedDirectory, [])
        #expect(!closed.authorize(Self.alice, host: Self.host, .write, .topic, "unnamed"))
    }

    @Test func writeOnSomeTopicIsEnoughForAnIdempotentProducer() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let acls = try Self.authorizer(
            directory,
            [
                Self.acl("alice.", prefixed: true, .write),
                Self.acl("bob.", prefixed: true, principal: "User:bob", .write),
                Self.acl("b", prefixed: true, principal: "User:bob", .write, .deny),
            ]
        )
        #expect(acls.authorizeAny(Self.alice, host: Self.host, .write, .topic))
        #expect(!acls.authorizeAny(Self.bob, host: Self.host, .write, .topic))
        #expect(!acls.authorizeAny(KafkaPrincipal(user: "carol"), host: Self.host, .write, .topic))
    }

    @Test func aclsSurviveARestartAndDeleteFiltersSelectWhatTheyName() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try Self.authorizer(
                directory,
                [
                    Self.acl("orders", .read),
                    Self.acl("orders", .write, .deny),
                    Self.acl("alice.", prefixed: true, .write),
                    Self.acl("g", type: .group, principal: "User:bob", .read),
                ]
            )
        }
        let reopened = try Self.authorizer(directory, [])
        #expect(reopened.describe(AclFilter()).count == 4)
        #expect(
            reopened.describe(AclFilter(resourceType: .topic, resourceName: "alice.x", patternType: .match)).count == 1
        )
        #expect(reopened.describe(AclFilter(resourceName: "orders", patternType: .literal)).count == 2)
        #expect(reopened.describe(AclFilter(principal: "User:bob")).map(\.resourceType) == [.group])
        let removed = try reopened.delete([
            AclFilter(resourceType: .topic, permission: .deny),
            AclFilter(resourceType: .topic, resourceName: "orders"),
        ])
        #expect(removed.map(\.count) == [1, 1])
        #expect(reopened.authorize(Self.alice, host: Self.host, .write, .topic, "alice.x"))
        #expect(!reopened.authorize(Self.alice, host: Self.host, .read, .topic, "orders"))
        let again = try Self.authorizer(directory, [])
        #expect(again.describe(AclFilter()).count == 2)
    }

    @Test func invalidBindingsAreRefusedWithAReason() {
        func reason(_ result: Result<AclBinding, AclValidationError>) -> String? {
            if case .failure(let error) = result { return error.message }
            return nil
        }
        let valid = AclBinding.validated(
            resourceType: 2,
            resourceName: "t",
            patternType: 3,
            principal: "User:a",
            host: "*",
            operation: 3,
            permission: 3
        )
        #expect(reason(valid) == nil)
        let noColon = AclBinding.validated(
            resourceType: 2,
            resourceName: "t",
            patternType: 3,
            principal: "alice",
            host: "*",
            operation: 3,
            permission: 3
        )
        #expect(reason(noColon)?.contains("type:name") == true)
        let matchPattern = AclBinding.validated(
            resourceType: 2,
            resourceName: "t",
            patternType: 2,
            principal: "User:a",
            host: "*",
            operation: 3,
            permission: 3
        )
        #expect(reason(matchPattern)?.contains("LITERAL or PREFIXED") == true)
        let anyOperation = AclBinding.validated(
            resourceType: 2,
            resourceName: "t",
            patternType: 3,
            principal: "User:a",
            host: "*",
            operation: 1,
            permission: 3
        )
        #expect(reason(anyOperation) != nil)
        let cluster = AclBinding.validated(
            resourceType: 4,
            resourceName: "c",
            patternType: 3,
            principal: "User:a",
            host: "*",
            operation: 7,
            permission: 3
        )
        #expect(reason(cluster)?.contains("kafka-cluster") == true)
    }
}

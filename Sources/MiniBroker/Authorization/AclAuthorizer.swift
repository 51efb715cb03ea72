import Synchronization

/// Decides what a principal may do, by Kafka's ACL rules (its `StandardAuthorizer`), and
/// keeps the ACLs: in the metadata store, and in memory for the checks.
///
/// A request is allowed when the principal is a super user, or when no DENY ACL for the
/// operation (or `All`) and at least one ALLOW ACL for an operation that implies it match the
/// resource, the principal (or `User:*`) and the client's host (or `*`). A resource no ACL
/// names at all is allowed only with `allowEveryoneIfNoAclFound`. With a classroom policy,
/// what no ACL allows or denies is the policy's to decide.
final class AclAuthorizer: Sendable {
    let superUsers: Set<String>
    let allowEveryoneIfNoAclFound: Bool
    let classroom: ClassroomPolicy?
    private let store: MetadataStore
    private let bindings: Mutex<[AclResourceType: Set<AclBinding>]>

    init(
        store: MetadataStore,
        superUsers: Set<String>,
        allowEveryoneIfNoAclFound: Bool,
        classroom: ClassroomPolicy? = nil
    ) throws {
        self.store = store
        self.superUsers = superUsers
        self.allowEveryoneIfNoAclFound = allowEveryoneIfNoAclFound
        self.classroom = classroom
        self.bindings = Mutex(Dictionary(grouping: try store.aclBindings(), by: \.resourceType).mapValues(Set.init))
    }

    /// Whether `principal`, connected from `host` as `clientID`, may do `operation` on the resource.
    func authorize(
        _ principal: KafkaPrincipal,
        host: String,
        clientID: String? = nil,
        _ operation: AclOperation,
        _ resourceType: AclResourceType,
        _ resourceName: String
    ) -> Bool {
        if superUsers.contains(principal.description) { return true }
        let name = principal.description
        let decision: Bool? = bindings.withLock { bindings in
            var resourceHasAcls = false
            var allowed = false
            for binding in bindings[resourceType] ?? [] where binding.covers(resourceName) {
                resourceHasAcls = true
                guard binding.principal == name || binding.principal == "User:*",
                    binding.host == host || binding.host == "*"
                else { continue }
                switch binding.permission {
                case .deny where binding.operation == operation || binding.operation == .all:
                    return false
                case .allow where operation.allowedBy.contains(binding.operation):
                    allowed = true
                default:
                    break
                }
            }
            if allowed { return true }
            return classroom == nil ? !resourceHasAcls && allowEveryoneIfNoAclFound : nil
        }
        if let decision { return decision }
        let student = ClassroomPolicy.studentName(principal: principal, clientID: clientID)
        return classroom?.allows(student: student, operation, resourceType, resourceName) ?? false
    }

    /// Whether `principal` may do `operation` on at least one resource of the type (Kafka's
    /// `authorizeByResourceType`, KIP-679: an idempotent producer needs WRITE on some topic):
    /// true when an ALLOW pattern is not wholly covered by a DENY pattern.
    func authorizeAny(
        _ principal: KafkaPrincipal,
        host: String,
        _ operation: AclOperation,
        _ resourceType: AclResourceType
    ) -> Bool {
        // A name no literal or prefix pattern names: allowed only by super users, wildcard
        // ACLs, or when no ACL names it and everyone is allowed then.
        if authorize(principal, host: host, operation, resourceType, "\u{0}") { return true }
        let name = principal.description
        return bindings.withLock { bindings in
            let applicable = (bindings[resourceType] ?? []).filter {
                ($0.principal == name || $0.principal == "User:*") && ($0.host == host || $0.host == "*")
            }
            let denies = applicable.filter {
                $0.permission == .deny && ($0.operation == operation || $0.operation == .all)
            }
            return applicable.contains { allow in
                allow.permission == .allow && operation.allowedBy.contains(allow.operation)
                    && !denies.contains { deny in
                        deny.patternType == .prefixed
                            ? allow.resourceName.hasPrefix(deny.resourceName)
                            : deny.resourceName == "*"
                                || (allow.patternType == .literal && deny.resourceName == allow.resourceName)
                    }
            }
        }
    }

    /// Stores `created`; ACLs already there stay as they are.
    /// - Throws: when the store cannot be written; nothing changed then.
    func create(_ created: [AclBinding]) throws {
        try bindings.withLock { bindings in
            try store.insertAclBindings(created)
            for binding in created {
                bindings[binding.resourceType, default: []].insert(binding)
            }
        }
    }

    /// The ACLs `filter` selects, in a stable order.
    func describe(_ filter: AclFilter) -> [AclBinding] {
        bindings.withLock { bindings in
            bindings.values.flatMap { $0.filter(filter.matches) }
        }.sorted(by: Self.order)
    }

    /// Removes what each filter selects; returns the removed ACLs per filter (an ACL two
    /// filters select is reported under the first).
    /// - Throws: when the store cannot be written; nothing changed then.
    func delete(_ filters: [AclFilter]) throws -> [[AclBinding]] {
        try bindings.withLock { bindings in
            var taken = Set<AclBinding>()
            let removed = filters.map { filter in
                bindings.values.flatMap { $0.filter(filter.matches) }
                    .filter { taken.insert($0).inserted }
                    .sorted(by: Self.order)
            }
            try store.deleteAclBindings(Array(taken))
            for binding in taken {
                bindings[binding.resourceType]?.remove(binding)
            }
            return removed
        }
    }

    private static func order(_ a: AclBinding, _ b: AclBinding) -> Bool {
        (a.resourceType.rawValue, a.resourceName, a.patternType.rawValue, a.principal, a.host)
            < (b.resourceType.rawValue, b.resourceName, b.patternType.rawValue, b.principal, b.host)
            || ((a.resourceType, a.resourceName, a.patternType, a.principal, a.host)
                == (b.resourceType, b.resourceName, b.patternType, b.principal, b.host)
                && (a.operation.rawValue, a.permission.rawValue) < (b.operation.rawValue, b.permission.rawValue))
    }
}

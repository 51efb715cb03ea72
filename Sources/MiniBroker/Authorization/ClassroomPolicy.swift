/// What students may do in a classroom (`--authorizer classroom`), without anyone writing ACLs.
///
/// A student is named by their SASL user name, or on a listener without login by their client
/// id (what labs identify them by). Every student may read and describe every topic and group,
/// and the broker's configs; they own the topics under their own prefixes
/// (`<name>.` and `students.<name>`), where they may do everything (create, produce, alter,
/// delete), and the groups and transactional ids that carry their name as a word (`g-alice`,
/// `alice.lab1`). The appliance's own groups (`aseed-*`), other students' topics and groups,
/// `orders`' configuration, ACLs and users are the teacher's (a super user). Explicit ACLs still
/// apply before this policy: a teacher opens a topic to everyone with an ALLOW, or closes
/// something with a DENY.
struct ClassroomPolicy: Sendable {
    /// The super user when `--super-users` names none.
    static let teacher = "User:teacher"

    /// Names no student can go by: they would own what belongs to the class or the appliance.
    static let reservedNames: Set<String> = ["students", "orders", "aseed"]

    /// The name a request's student goes by, nil when there is none to go by.
    static func studentName(principal: KafkaPrincipal, clientID: String?) -> String? {
        let name = principal == .anonymous ? clientID ?? "" : principal.name
        guard !name.isEmpty, !reservedNames.contains(name), !name.hasPrefix("aseed-") else { return nil }
        return name
    }

    /// Whether the student named `student` may do `operation` on the resource.
    func allows(
        student: String?,
        _ operation: AclOperation,
        _ resourceType: AclResourceType,
        _ resourceName: String
    ) -> Bool {
        let looks = operation == .describe || operation == .read || operation == .describeConfigs
        switch resourceType {
        case .topic:
            if looks { return true }
            return student.map { Self.ownsTopic(resourceName, student: $0) } ?? false
        case .group:
            if Self.isApplianceGroup(resourceName) { return operation == .describe }
            if operation == .describe { return true }
            return student.map { Self.carriesName(resourceName, student: $0) } ?? false
        case .transactionalId:
            return student.map { Self.carriesName(resourceName, student: $0) } ?? false
        case .cluster:
            // The broker's configs and idempotent producers; not Describe, which would list the
            // users, the ACLs and the log directories.
            return operation == .describeConfigs || operation == .idempotentWrite
        case .any, .delegationToken, .user:
            return false
        }
    }

    /// Topics under `<student>.` or at and under `students.<student>`.
    static func ownsTopic(_ topic: String, student: String) -> Bool {
        let classTopic = "students.\(student)"
        return topic.hasPrefix("\(student).") || topic == classTopic || topic.hasPrefix("\(classTopic).")
    }

    /// Whether `name` has the student's name as a word: between its ends and the separators
    /// '.', '-' and '_' (`alice`, `g-alice`, `alice.lab1`, but not `malice`).
    static func carriesName(_ name: String, student: String) -> Bool {
        let separators: Set<Character> = [".", "-", "_"]
        var searchStart = name.startIndex
        while let range = name[searchStart...].firstRange(of: student) {
            let startsWord =
                range.lowerBound == name.startIndex || separators.contains(name[name.index(before: range.lowerBound)])
            let endsWord = range.upperBound == name.endIndex || separators.contains(name[range.upperBound])
            if startsWord && endsWord { return true }
            searchStart = name.index(after: range.lowerBound)
        }
        return false
    }

    /// The analyzer's and the other components' groups.
    static func isApplianceGroup(_ group: String) -> Bool {
        group.hasPrefix("aseed-")
    }
}

/// One ACL: who (`principal` from `host`) may or may not do `operation` on the resources
/// `resourceName` names under `patternType`.
public struct AclBinding: Sendable, Hashable {
    public var resourceType: AclResourceType
    public var resourceName: String
    /// `.literal` or `.prefixed`; the filter-only types never reach a stored binding.
    public var patternType: AclPatternType
    /// `User:alice`, or `User:*` for every principal.
    public var principal: String
    /// A client address, or `*` for every host.
    public var host: String
    public var operation: AclOperation
    /// `.allow` or `.deny`.
    public var permission: AclPermission

    public init(
        resourceType: AclResourceType,
        resourceName: String,
        patternType: AclPatternType = .literal,
        principal: String,
        host: String = "*",
        operation: AclOperation,
        permission: AclPermission
    ) {
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.patternType = patternType
        self.principal = principal
        self.host = host
        self.operation = operation
        self.permission = permission
    }

    /// The binding a CreateAcls creation asks for, or why it cannot be stored (Kafka answers
    /// INVALID_REQUEST with such a message).
    static func validated(
        resourceType rawType: Int8,
        resourceName: String,
        patternType rawPattern: Int8,
        principal: String,
        host: String,
        operation rawOperation: Int8,
        permission rawPermission: Int8
    ) -> Result<AclBinding, AclValidationError> {
        guard let resourceType = AclResourceType(rawValue: rawType), resourceType != .any else {
            return .failure(AclValidationError("resource type \(rawType) cannot be used in an ACL"))
        }
        guard let patternType = AclPatternType(rawValue: rawPattern),
            patternType == .literal || patternType == .prefixed
        else {
            return .failure(AclValidationError("an ACL's pattern type must be LITERAL or PREFIXED, got \(rawPattern)"))
        }
        guard let operation = AclOperation(rawValue: rawOperation), operation != .any else {
            return .failure(AclValidationError("operation \(rawOperation) cannot be used in an ACL"))
        }
        guard let permission = AclPermission(rawValue: rawPermission), permission != .any else {
            return .failure(AclValidationError("an ACL's permission must be ALLOW or DENY, got \(rawPermission)"))
        }
        guard let colon = principal.firstIndex(of: ":"), colon != principal.startIndex,
            principal.index(after: colon) != principal.endIndex
        else {
            return .failure(
                AclValidationError("principal '\(principal)' is not of the form type:name (e.g. User:alice or User:*)")
            )
        }
        guard !host.isEmpty else {
            return .failure(AclValidationError("an ACL's host must be an address or *"))
        }
        guard !resourceName.isEmpty else {
            return .failure(AclValidationError("an ACL's resource name must not be empty"))
        }
        if resourceType == .cluster, resourceName != AclResourceType.clusterName {
            return .failure(AclValidationError("the cluster resource is named '\(AclResourceType.clusterName)'"))
        }
        return .success(
            AclBinding(
                resourceType: resourceType,
                resourceName: resourceName,
                patternType: patternType,
                principal: principal,
                host: host,
                operation: operation,
                permission: permission
            )
        )
    }

    /// Whether this binding's pattern covers the resource `name` (of its own type).
    func covers(_ name: String) -> Bool {
        switch patternType {
        case .literal: resourceName == name || resourceName == "*"
        case .prefixed: name.hasPrefix(resourceName)
        case .any, .match: false
        }
    }

    /// How Kafka's tools print it.
    public var description: String {
        "(principal=\(principal), host=\(host), operation=\(operation.name), permissionType=\(permission.name))"
            + " on \(resourceType.name):\(patternType.name):\(resourceName)"
    }
}

/// Why an ACL or an ACL filter cannot be used.
public struct AclValidationError: Error, Equatable, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// The ACLs a DescribeAcls or DeleteAcls filter selects; `nil` strings and the `any` codes
/// match everything.
public struct AclFilter: Sendable, Hashable {
    public var resourceType: AclResourceType
    public var resourceName: String?
    public var patternType: AclPatternType
    public var principal: String?
    public var host: String?
    public var operation: AclOperation
    public var permission: AclPermission

    public init(
        resourceType: AclResourceType = .any,
        resourceName: String? = nil,
        patternType: AclPatternType = .any,
        principal: String? = nil,
        host: String? = nil,
        operation: AclOperation = .any,
        permission: AclPermission = .any
    ) {
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.patternType = patternType
        self.principal = principal
        self.host = host
        self.operation = operation
        self.permission = permission
    }

    /// The filter a request's codes describe, or why they do not describe one.
    static func validated(
        resourceType rawType: Int8,
        resourceName: String?,
        patternType rawPattern: Int8,
        principal: String?,
        host: String?,
        operation rawOperation: Int8,
        permission rawPermission: Int8
    ) -> Result<AclFilter, AclValidationError> {
        guard let resourceType = AclResourceType(rawValue: rawType) else {
            return .failure(AclValidationError("unknown resource type \(rawType) in an ACL filter"))
        }
        guard let patternType = AclPatternType(rawValue: rawPattern) else {
            return .failure(AclValidationError("unknown pattern type \(rawPattern) in an ACL filter"))
        }
        guard let operation = AclOperation(rawValue: rawOperation) else {
            return .failure(AclValidationError("unknown operation \(rawOperation) in an ACL filter"))
        }
        guard let permission = AclPermission(rawValue: rawPermission) else {
            return .failure(AclValidationError("unknown permission type \(rawPermission) in an ACL filter"))
        }
        return .success(
            AclFilter(
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

    /// Whether `binding` is one this filter selects.
    public func matches(_ binding: AclBinding) -> Bool {
        guard resourceType == .any || resourceType == binding.resourceType,
            principal == nil || principal == binding.principal,
            host == nil || host == binding.host,
            operation == .any || operation == binding.operation,
            permission == .any || permission == binding.permission
        else { return false }
        return matchesPattern(binding)
    }

    private func matchesPattern(_ binding: AclBinding) -> Bool {
        switch patternType {
        case .any:
            return resourceName == nil || resourceName == binding.resourceName
        case .match:
            guard let resourceName else { return true }
            return binding.covers(resourceName)
        case .literal, .prefixed:
            return patternType == binding.patternType && (resourceName == nil || resourceName == binding.resourceName)
        }
    }
}

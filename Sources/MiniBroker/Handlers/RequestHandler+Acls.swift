import KafkaWire

extension RequestHandler {
    /// Why ACLs cannot be created here, for CreateAcls' per-creation message.
    static let noAuthorizerMessage =
        "no authorizer is configured on this broker (--authorizer none): every client may do everything,"
        + " and ACLs cannot be created"

    /// DescribeAcls v0-3: the ACLs the filter selects, grouped by resource pattern. Without an
    /// authorizer the list is empty (what kafka-acls and UIs show then); listing needs
    /// DESCRIBE on the cluster.
    func describeAcls(_ request: DescribeAclsRequest, _ context: RequestContext) -> DescribeAclsResponse {
        func failure(_ code: KafkaErrorCode, _ message: String) -> DescribeAclsResponse {
            DescribeAclsResponse(throttleTimeMs: 0, errorCode: code.rawValue, errorMessage: message, resources: [])
        }
        guard let authorizer else {
            return DescribeAclsResponse(throttleTimeMs: 0, errorCode: 0, errorMessage: nil, resources: [])
        }
        guard authorizedOnCluster(.describe, context) else {
            return failure(.clusterAuthorizationFailed, "listing ACLs needs Describe on the cluster resource")
        }
        let filter: AclFilter
        switch AclFilter.validated(
            resourceType: request.resourceTypeFilter,
            resourceName: request.resourceNameFilter,
            patternType: request.patternTypeFilter,
            principal: request.principalFilter,
            host: request.hostFilter,
            operation: request.operation,
            permission: request.permissionType
        ) {
        case .success(let valid): filter = valid
        case .failure(let error): return failure(.invalidRequest, error.message)
        }
        var resources: [DescribeAclsResponse.DescribeAclsResource] = []
        for binding in authorizer.describe(filter) {
            let acl = DescribeAclsResponse.AclDescription(
                principal: binding.principal,
                host: binding.host,
                operation: binding.operation.rawValue,
                permissionType: binding.permission.rawValue
            )
            if let last = resources.last, last.resourceType == binding.resourceType.rawValue,
                last.resourceName == binding.resourceName, last.patternType == binding.patternType.rawValue
            {
                resources[resources.count - 1].acls.append(acl)
            } else {
                resources.append(
                    DescribeAclsResponse.DescribeAclsResource(
                        resourceType: binding.resourceType.rawValue,
                        resourceName: binding.resourceName,
                        patternType: binding.patternType.rawValue,
                        acls: [acl]
                    )
                )
            }
        }
        return DescribeAclsResponse(throttleTimeMs: 0, errorCode: 0, errorMessage: nil, resources: resources)
    }

    /// CreateAcls v0-3: each creation validated on its own and the valid ones stored together.
    /// Without an authorizer each is refused with SECURITY_DISABLED, as Kafka does; creating
    /// needs ALTER on the cluster.
    func createAcls(_ request: CreateAclsRequest, _ context: RequestContext) -> CreateAclsResponse {
        func results(_ code: KafkaErrorCode, _ message: String) -> CreateAclsResponse {
            CreateAclsResponse(
                throttleTimeMs: 0,
                results: request.creations.map { _ in
                    CreateAclsResponse.AclCreationResult(errorCode: code.rawValue, errorMessage: message)
                }
            )
        }
        guard let authorizer else { return results(.securityDisabled, Self.noAuthorizerMessage) }
        guard authorizedOnCluster(.alter, context) else {
            return results(.clusterAuthorizationFailed, "creating ACLs needs Alter on the cluster resource")
        }
        let validated = request.creations.map { creation in
            AclBinding.validated(
                resourceType: creation.resourceType,
                resourceName: creation.resourceName,
                patternType: creation.resourcePatternType,
                principal: creation.principal,
                host: creation.host,
                operation: creation.operation,
                permission: creation.permissionType
            )
        }
        var storeFailure: String?
        do {
            try authorizer.create(validated.compactMap { try? $0.get() })
        } catch {
            logger.error("could not store ACLs: \(error)")
            storeFailure = "the ACLs could not be stored: \(error)"
        }
        return CreateAclsResponse(
            throttleTimeMs: 0,
            results: validated.map { result in
                switch result {
                case .success:
                    if let storeFailure {
                        return .init(errorCode: KafkaErrorCode.unknownServerError.rawValue, errorMessage: storeFailure)
                    }
                    return .init(errorCode: 0, errorMessage: nil)
                case .failure(let error):
                    return .init(errorCode: KafkaErrorCode.invalidRequest.rawValue, errorMessage: error.message)
                }
            }
        )
    }

    /// DeleteAcls v0-3: removes what each filter selects and lists it per filter. Without an
    /// authorizer nothing matches; deleting needs ALTER on the cluster.
    func deleteAcls(_ request: DeleteAclsRequest, _ context: RequestContext) -> DeleteAclsResponse {
        func results(_ code: KafkaErrorCode, _ message: String?) -> DeleteAclsResponse {
            DeleteAclsResponse(
                throttleTimeMs: 0,
                filterResults: request.filters.map { _ in
                    .init(errorCode: code.rawValue, errorMessage: message, matchingAcls: [])
                }
            )
        }
        guard let authorizer else { return results(.none, nil) }
        guard authorizedOnCluster(.alter, context) else {
            return results(.clusterAuthorizationFailed, "deleting ACLs needs Alter on the cluster resource")
        }
        let validated = request.filters.map { filter in
            AclFilter.validated(
                resourceType: filter.resourceTypeFilter,
                resourceName: filter.resourceNameFilter,
                patternType: filter.patternTypeFilter,
                principal: filter.principalFilter,
                host: filter.hostFilter,
                operation: filter.operation,
                permission: filter.permissionType
            )
        }
        let removed: [[AclBinding]]
        do {
            removed = try authorizer.delete(validated.compactMap { try? $0.get() })
        } catch {
            logger.error("could not delete ACLs: \(error)")
            return results(.unknownServerError, "the ACLs could not be deleted: \(error)")
        }
        var removedByValidFilter = removed.makeIterator()
        return DeleteAclsResponse(
            throttleTimeMs: 0,
            filterResults: validated.map { result in
                switch result {
                case .failure(let error):
                    return .init(
                        errorCode: KafkaErrorCode.invalidRequest.rawValue,
                        errorMessage: error.message,
                        matchingAcls: []
                    )
                case .success:
                    let matching = (removedByValidFilter.next() ?? []).map { binding in
                        DeleteAclsResponse.DeleteAclsMatchingAcl(
                            errorCode: 0,
                            errorMessage: nil,
                            resourceType: binding.resourceType.rawValue,
                            resourceName: binding.resourceName,
                            patternType: binding.patternType.rawValue,
                            principal: binding.principal,
                            host: binding.host,
                            operation: binding.operation.rawValue,
                            permissionType: binding.permission.rawValue
                        )
                    }
                    return .init(errorCode: 0, errorMessage: nil, matchingAcls: matching)
                }
            }
        )
    }
}

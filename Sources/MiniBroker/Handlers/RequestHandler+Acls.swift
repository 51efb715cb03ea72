import KafkaWire

extension RequestHandler {
    /// Why ACLs cannot be created here, for CreateAcls' per-creation message.
    static let noAuthorizerMessage =
        "no authorizer is configured on this broker: every client may do everything, and ACLs cannot be created"

    /// DescribeAcls v0-3: there is no authorizer, so there are no ACLs to list (the answer
    /// kafka-acls and UIs show as an empty list).
    func describeAcls(_ request: DescribeAclsRequest, _ context: RequestContext) -> DescribeAclsResponse {
        DescribeAclsResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            errorMessage: nil,
            resources: []
        )
    }

    /// CreateAcls v0-3: refused one by one with SECURITY_DISABLED, as Kafka without an
    /// authorizer refuses them.
    func createAcls(_ request: CreateAclsRequest, _ context: RequestContext) -> CreateAclsResponse {
        CreateAclsResponse(
            throttleTimeMs: 0,
            results: request.creations.map { _ in
                CreateAclsResponse.AclCreationResult(
                    errorCode: KafkaErrorCode.securityDisabled.rawValue,
                    errorMessage: Self.noAuthorizerMessage
                )
            }
        )
    }

    /// DeleteAcls v0-3: no filter matches anything, since there are no ACLs.
    func deleteAcls(_ request: DeleteAclsRequest, _ context: RequestContext) -> DeleteAclsResponse {
        DeleteAclsResponse(
            throttleTimeMs: 0,
            filterResults: request.filters.map { _ in
                DeleteAclsResponse.DeleteAclsFilterResult(
                    errorCode: KafkaErrorCode.none.rawValue,
                    errorMessage: nil,
                    matchingAcls: []
                )
            }
        )
    }
}

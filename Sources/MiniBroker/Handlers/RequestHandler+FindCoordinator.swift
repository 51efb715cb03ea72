import KafkaWire

extension RequestHandler {
    /// FindCoordinator v0-3: this broker is the coordinator of every group (key type 0) and
    /// every transactional id (key type 1).
    func findCoordinator(_ request: FindCoordinatorRequest, _ context: RequestContext) -> FindCoordinatorResponse {
        guard request.keyType == 0 || request.keyType == 1 else {
            return FindCoordinatorResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.invalidRequest.rawValue,
                errorMessage: "unknown coordinator key type \(request.keyType) (0 group, 1 transaction)",
                nodeId: -1,
                host: "",
                port: -1
            )
        }
        // Describe on the group or transactional id, as Kafka asks before naming a coordinator.
        let isGroup = request.keyType == 0
        guard authorized(.describe, isGroup ? .group : .transactionalId, request.key, context) else {
            return FindCoordinatorResponse(
                throttleTimeMs: 0,
                errorCode: (isGroup ? KafkaErrorCode.groupAuthorizationFailed : .transactionalIdAuthorizationFailed)
                    .rawValue,
                errorMessage: "\(context.principal) may not describe \(isGroup ? "group" : "transactional id")"
                    + " '\(request.key)'",
                nodeId: -1,
                host: "",
                port: -1
            )
        }
        return FindCoordinatorResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            errorMessage: nil,
            nodeId: configuration.nodeID,
            host: context.advertisedHost(configuration),
            port: context.advertisedPort(configuration)
        )
    }
}

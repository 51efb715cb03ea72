import KafkaWire

extension RequestHandler {
    /// FindCoordinator v0-3: this broker coordinates every group. There is no transaction
    /// coordinator, so transaction keys get COORDINATOR_NOT_AVAILABLE.
    func findCoordinator(_ request: FindCoordinatorRequest, _ context: RequestContext) -> FindCoordinatorResponse {
        guard request.keyType == 0 else {
            return FindCoordinatorResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.coordinatorNotAvailable.rawValue,
                errorMessage: "transactions are not supported by this broker",
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
            host: configuration.advertisedHost,
            port: Int32(configuration.advertisedPort)
        )
    }
}

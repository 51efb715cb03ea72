import KafkaWire

extension RequestHandler {
    /// DescribeCluster v0-1: this one broker, which is also the controller. Authorized
    /// operations are not computed (Kafka's INT32_MIN marker for "not requested or unknown").
    func describeCluster(_ request: DescribeClusterRequest, _ context: RequestContext) -> DescribeClusterResponse {
        // v1: endpoint type 2 asks for controllers; in KRaft mode brokers refuse that with
        // UNSUPPORTED_ENDPOINT_TYPE, and a combined single node has no separate controller listener.
        guard request.endpointType == 1 || context.apiVersion == 0 else {
            return DescribeClusterResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.unsupportedEndpointType.rawValue,
                errorMessage: "this broker describes brokers only (endpoint type 1), not controllers",
                endpointType: request.endpointType,
                clusterId: configuration.clusterID,
                controllerId: -1,
                brokers: [],
                clusterAuthorizedOperations: Int32.min
            )
        }
        return DescribeClusterResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            errorMessage: nil,
            endpointType: 1,
            clusterId: configuration.clusterID,
            controllerId: configuration.nodeID,
            brokers: [
                DescribeClusterResponse.DescribeClusterBroker(
                    brokerId: configuration.nodeID,
                    host: context.advertisedHost(configuration),
                    port: context.advertisedPort(configuration),
                    rack: nil
                )
            ],
            clusterAuthorizedOperations: Int32.min
        )
    }
}

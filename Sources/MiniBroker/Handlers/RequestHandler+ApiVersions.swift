import KafkaWire

extension RequestHandler {
    /// ApiVersions: the advertised ranges of `ServedApis` and, from v3, the transaction
    /// protocol as a finalized feature. The client software a v3+ request names is kept for
    /// the console.
    func apiVersions(_ request: ApiVersionsRequest, _ context: RequestContext) -> ApiVersionsResponse {
        if let id = context.connectionID, context.apiVersion >= 3, !request.clientSoftwareName.isEmpty {
            let software = "\(request.clientSoftwareName) \(request.clientSoftwareVersion)"
            connections.update(id) { $0.clientSoftware = software }
        }
        return ApiVersionsResponse(
            errorCode: KafkaErrorCode.none.rawValue,
            apiKeys: ServedApis.apiVersionEntries,
            throttleTimeMs: 0,
            supportedFeatures: [
                .init(name: "transaction.version", minVersion: 0, maxVersion: ServedApis.transactionVersion)
            ],
            finalizedFeaturesEpoch: ServedApis.finalizedFeaturesEpoch,
            finalizedFeatures: [
                .init(
                    name: "transaction.version",
                    maxVersionLevel: ServedApis.transactionVersion,
                    minVersionLevel: ServedApis.transactionVersion
                )
            ]
        )
    }
}

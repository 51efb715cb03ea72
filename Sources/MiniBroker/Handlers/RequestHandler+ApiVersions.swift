import KafkaWire

extension RequestHandler {
    /// ApiVersions: the advertised ranges of `ServedApis` and, from v3, the supported and
    /// finalized features (`FinalizedFeatures`: the transaction protocol). The client software
    /// a v3+ request names is kept for the console.
    func apiVersions(_ request: ApiVersionsRequest, _ context: RequestContext) -> ApiVersionsResponse {
        if let id = context.connectionID, context.apiVersion >= 3, !request.clientSoftwareName.isEmpty {
            let software = "\(request.clientSoftwareName) \(request.clientSoftwareVersion)"
            connections.update(id) { $0.clientSoftware = software }
        }
        let finalized = features.levels
        return ApiVersionsResponse(
            errorCode: KafkaErrorCode.none.rawValue,
            apiKeys: ServedApis.apiVersionEntries,
            throttleTimeMs: 0,
            supportedFeatures: FinalizedFeatures.supported.sorted { $0.key < $1.key }.map { name, range in
                .init(name: name, minVersion: range.lowerBound, maxVersion: range.upperBound)
            },
            finalizedFeaturesEpoch: finalized.epoch,
            // A feature at level 0 is off: Kafka leaves it out of the finalized ones.
            finalizedFeatures: finalized.levels.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { name, level in
                .init(name: name, maxVersionLevel: level, minVersionLevel: level)
            }
        )
    }
}

import KafkaWire

extension RequestHandler {
    /// ApiVersions: the advertised ranges of `ServedApis`.
    func apiVersions(_ request: ApiVersionsRequest, _ context: RequestContext) -> ApiVersionsResponse {
        ApiVersionsResponse(
            errorCode: KafkaErrorCode.none.rawValue,
            apiKeys: ServedApis.apiVersionEntries,
            throttleTimeMs: 0
        )
    }
}

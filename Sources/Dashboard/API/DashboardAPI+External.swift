import Analyzer
import Common
import Hummingbird
import KafkaWire

extension DashboardAPI {
    /// `POST /api/top_products`: an external analyzer's ranking, kept and pushed as
    /// `top_products_update` with `"source": "external"`.
    func postTopProducts(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await acceptExternal(ExternalPayload.TopProducts.self, from: request, as: .topProducts)
    }

    /// `POST /api/categories`.
    func postCategories(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await acceptExternal(ExternalPayload.Categories.self, from: request, as: .categories)
    }

    /// `POST /api/raw_orders`.
    func postRawOrders(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await acceptExternal(ExternalPayload.RawOrders.self, from: request, as: .rawOrders)
    }

    /// `POST /api/external/summary`: an external analyzer's totals, counts and closed windows,
    /// kept and pushed as `summary_update`.
    func postExternalSummary(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await acceptExternal(ExternalPayload.Summary.self, from: request, as: .summary)
    }

    /// `GET /api/external`: the latest of each, or `{}`.
    func externalResults(_ request: Request, _ context: BasicRequestContext) -> Response {
        var writer = JSONWriter(reservingCapacity: 8192)
        external.write(to: &writer)
        return .json(writer)
    }

    /// Checks the token, decodes and validates the body, keeps the result as the latest of
    /// its kind and pushes it as `<kind>_update`; 202 with the rows received.
    private func acceptExternal<Payload: ExternalResultPayload>(
        _ type: Payload.Type,
        from request: Request,
        as kind: ExternalResults.Kind
    ) async throws -> Response {
        try authorize(request)
        let payload = try await JSONBody.decode(type, from: request, limit: configuration.bodyLimit)
        try payload.validate()
        var writer = JSONWriter(reservingCapacity: 4096)
        payload.write(to: &writer, receivedAtMicros: WallClock.nowMicros)
        let json = writer.bytes
        let items = payload.rowCount
        external.keep(json, as: kind)
        hub.broadcast(PushEvents.external("\(kind.rawValue)_update", json: json))
        logger.info("accepted an external \(kind.rawValue) result of \(items) rows")
        return .jsonObject(status: .accepted) { writer in
            writer.key("accepted")
            writer.string(kind.rawValue)
            writer.key("items")
            writer.integer(items)
        }
    }
}

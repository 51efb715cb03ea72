import Analyzer
import Common
import Hummingbird
import KafkaWire

extension DashboardAPI {
    /// `POST /api/top_products`: an external analyzer's ranking, kept and pushed as
    /// `top_products_update` with `"source": "external"`.
    func postTopProducts(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let payload = try await JSONBody.decode(
            ExternalPayload.TopProducts.self,
            from: request,
            limit: configuration.bodyLimit
        )
        try payload.validate()
        var writer = JSONWriter(reservingCapacity: 4096)
        payload.write(to: &writer, receivedAtMicros: WallClock.nowMicros)
        return accept(writer.bytes, as: .topProducts, event: "top_products_update", items: payload.products.count)
    }

    /// `POST /api/categories`.
    func postCategories(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let payload = try await JSONBody.decode(
            ExternalPayload.Categories.self,
            from: request,
            limit: configuration.bodyLimit
        )
        try payload.validate()
        var writer = JSONWriter(reservingCapacity: 2048)
        payload.write(to: &writer, receivedAtMicros: WallClock.nowMicros)
        return accept(writer.bytes, as: .categories, event: "categories_update", items: payload.categories.count)
    }

    /// `POST /api/raw_orders`.
    func postRawOrders(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let payload = try await JSONBody.decode(
            ExternalPayload.RawOrders.self,
            from: request,
            limit: configuration.bodyLimit
        )
        try payload.validate()
        var writer = JSONWriter(reservingCapacity: 8192)
        payload.write(to: &writer, receivedAtMicros: WallClock.nowMicros)
        return accept(writer.bytes, as: .rawOrders, event: "raw_orders_update", items: payload.orders.count)
    }

    /// `POST /api/external/summary`: an external analyzer's totals, counts and closed windows,
    /// kept and pushed as `summary_update`.
    func postExternalSummary(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let payload = try await JSONBody.decode(
            ExternalPayload.Summary.self,
            from: request,
            limit: configuration.bodyLimit
        )
        try payload.validate()
        var writer = JSONWriter(reservingCapacity: 4096)
        payload.write(to: &writer, receivedAtMicros: WallClock.nowMicros)
        return accept(writer.bytes, as: .summary, event: "summary_update", items: payload.windows?.count ?? 0)
    }

    /// `GET /api/external`: the latest of each, or `{}`.
    func externalResults(_ request: Request, _ context: BasicRequestContext) -> Response {
        var writer = JSONWriter(reservingCapacity: 8192)
        external.write(to: &writer)
        return .json(writer)
    }

    private func accept(_ json: [UInt8], as kind: ExternalResults.Kind, event: String, items: Int) -> Response {
        external.keep(json, as: kind)
        hub.broadcast(PushEvents.external(event, json: json))
        logger.info("accepted an external \(kind.rawValue) result of \(items) rows")
        return .jsonObject(status: .accepted) { writer in
            writer.key("accepted")
            writer.string(kind.rawValue)
            writer.key("items")
            writer.integer(items)
        }
    }
}

import Hummingbird

extension DashboardAPI {
    /// `GET /healthz`: the process serves.
    func healthz(_ request: Request, _ context: BasicRequestContext) -> Response {
        .jsonObject { writer in
            writer.key("status")
            writer.string("ok")
        }
    }

    /// `GET /readyz`: 200 when every enabled component runs, else 503 naming the others.
    func readyz(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let notReady = await serviceView().notReady
        return .jsonObject(status: notReady.isEmpty ? .ok : .serviceUnavailable) { writer in
            writer.key("status")
            writer.string(notReady.isEmpty ? "ready" : "not-ready")
            writer.key("components")
            writer.beginArray()
            for status in notReady {
                writer.beginObject()
                writer.key("name")
                writer.string(status.name)
                writer.key("status")
                writer.string(status.state.rawValue)
                writer.key("last_error")
                if let error = status.lastError { writer.string(error) } else { writer.null() }
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// `GET /metrics`: Prometheus text 0.0.4.
    func metrics(_ request: Request, _ context: BasicRequestContext) async -> Response {
        var text = PrometheusText()
        let view = await serviceView()
        for family in DashboardMetrics.families(
            snapshot: snapshots.latest,
            services: view,
            hub: hub,
            counters: counters
        ) {
            text.append(family)
        }
        for provider in metricsProviders {
            for family in await provider.metricFamilies() { text.append(family) }
        }
        return .body(Array(text.text.utf8), contentType: PrometheusText.contentType)
    }

    /// `GET /api/openapi.json`.
    func openAPI(_ routes: RouteTable) -> Handler {
        let document = OpenAPIDocument.json(for: routes)
        return { _, _ in .json(bytes: document) }
    }
}

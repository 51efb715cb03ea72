import Hummingbird

extension DashboardAPI {
    /// `/` and `/console`: a page from the embedded assets.
    func page(_ name: String) -> Handler {
        { _, _ in
            guard let asset = configuration.assets[name] else {
                throw APIError.notFound(
                    "the page '\(name)' is not built into this binary; the API under /api still works"
                )
            }
            return .body(asset.body, contentType: asset.contentType)
        }
    }

    /// `/assets/{name}`: the page's CSS and JavaScript, and Chart.js from disk.
    func asset(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let name = context.parameters.get("name") ?? ""
        if name == "chart.min.js" {
            guard let chartJS else {
                throw APIError.notFound(
                    """
                    Chart.js is not installed at \(configuration.chartJSPath): install Debian's libjs-chart.js or \
                    set --chart-js; the page shows tables without charts
                    """
                )
            }
            return .body(chartJS.body, contentType: chartJS.contentType)
        }
        guard let asset = configuration.assets[name], !name.hasSuffix(".html") else {
            throw APIError.notFound("no asset '\(name)'")
        }
        return .body(asset.body, contentType: asset.contentType)
    }

    /// `GET /ws` that arrives as a plain request: an upgrade the Origin gate refused (403),
    /// or no upgrade at all (426).
    func webSocketFallback(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        if !origins.allows(origin: request.headers[.origin], host: request.head.authority) {
            logger.warning("refused a WebSocket from origin \(request.headers[.origin] ?? "?")")
            throw APIError(
                .forbidden,
                "origin-refused",
                "WebSockets are accepted from the page's own host only; add this origin with --dashboard-origins"
            )
        }
        throw APIError(
            .upgradeRequired,
            "upgrade-required",
            "/ws is a WebSocket: connect with a WebSocket client (ws://host:port/ws)",
            headers: [.upgrade: "websocket"]
        )
    }
}

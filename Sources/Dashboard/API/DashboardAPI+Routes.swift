import HTTPTypes
import Hummingbird

extension DashboardAPI {
    typealias Route = RouteTable.Route

    /// Every route with its handler, in the order of the contract (Sources/Dashboard/README.md).
    func routes() -> [(route: Route, handler: Handler)] {
        var list: [(Route, Handler)] = [
            (
                Route(
                    method: .get,
                    path: "/",
                    summary: "The dashboard page",
                    success: (200, "HTML page", "text/html"),
                    errors: [404]
                ), page("index.html")
            ),
            (
                Route(
                    method: .get,
                    path: "/console",
                    summary: "The broker console page",
                    success: (200, "HTML page", "text/html"),
                    errors: [404]
                ), page("console.html")
            ),
            (
                Route(
                    method: .get,
                    path: "/labs",
                    summary: "The lab scoreboard page: every student's steps, for the projector",
                    success: (200, "HTML page", "text/html"),
                    errors: [404]
                ), page("labs.html")
            ),
            (
                Route(
                    method: .get,
                    path: "/me",
                    summary: "A student's own lab page: the settings to connect with and each step with its hint",
                    parameters: [.init(name: "name", inPath: false, description: "the student's name (client.id)")],
                    success: (200, "HTML page", "text/html"),
                    errors: [404]
                ), page("me.html")
            ),
            (
                Route(
                    method: .get,
                    path: "/assets/{name}",
                    summary: "The page's CSS and JavaScript; chart.min.js is Chart.js from Debian's libjs-chart.js",
                    parameters: [.init(name: "name", inPath: true, description: "file name, e.g. chart.min.js")],
                    success: (200, "the file", "text/javascript"),
                    errors: [404]
                ), asset
            ),
            (
                Route(method: .get, path: "/api/status", summary: "Health word and headline figures (the original's)"),
                status
            ),
            (
                Route(
                    method: .get,
                    path: "/api/service-status",
                    summary:
                        """
                        Every component's state, uptime, throughput and last error, and the process's resources \
                        (the original's)
                        """
                ), serviceStatus
            ),
            (
                Route(
                    method: .get,
                    path: "/api/dashboard_data",
                    summary: "Top 10 products, categories, recent orders and metrics (the original's)"
                ), dashboardData
            ),
            (
                Route(
                    method: .post,
                    path: "/api/top_products",
                    summary: "An external analyzer's top products; kept and pushed as top_products_update",
                    needsToken: true,
                    success: (202, "accepted", "application/json"),
                    bodySchema: "TopProductsBody"
                ), postTopProducts
            ),
            (
                Route(
                    method: .post,
                    path: "/api/categories",
                    summary: "An external analyzer's categories; kept and pushed as categories_update",
                    needsToken: true,
                    success: (202, "accepted", "application/json"),
                    bodySchema: "CategoriesBody"
                ), postCategories
            ),
            (
                Route(
                    method: .post,
                    path: "/api/raw_orders",
                    summary: "An external analyzer's recent orders; kept and pushed as raw_orders_update",
                    needsToken: true,
                    success: (202, "accepted", "application/json"),
                    bodySchema: "RawOrdersBody"
                ), postRawOrders
            ),
            (
                Route(
                    method: .post,
                    path: "/api/external/summary",
                    summary:
                        "An external analyzer's totals, counts and closed windows; kept and pushed as summary_update",
                    needsToken: true,
                    success: (202, "accepted", "application/json"),
                    bodySchema: "ExternalSummaryBody"
                ), postExternalSummary
            ),
            (
                Route(method: .get, path: "/api/snapshot", summary: "The analyzer's whole snapshot", errors: [503]),
                snapshot
            ),
            (
                Route(
                    method: .get,
                    path: "/api/windows",
                    summary: "Tumbling windows of the last N minutes",
                    parameters: [
                        .init(name: "minutes", inPath: false, description: "how many minutes back (default 60)")
                    ],
                    errors: [400]
                ), windows
            ),
            (
                Route(
                    method: .get,
                    path: "/api/top",
                    summary: "A top-products ranking over a span",
                    parameters: [
                        .init(name: "span", inPath: false, description: "all, 5m, 15m or 60m (default all)"),
                        .init(name: "by", inPath: false, description: "orders, units or revenue (default orders)"),
                    ],
                    errors: [400]
                ), top
            ),
            (Route(method: .get, path: "/api/alerts", summary: "Trend and anomaly alerts, newest first"), alerts),
            (
                Route(
                    method: .get,
                    path: "/api/pipeline",
                    summary: "Records, duplicates, late and malformed counts, watermark, lag, rates and latency",
                    errors: [503]
                ), pipeline
            ),
            (
                Route(
                    method: .get,
                    path: "/api/external",
                    summary: "The latest results POSTed by an external analyzer, or {}"
                ), externalResults
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/topics",
                    summary: "Topics with partitions, offsets, sizes and message rates",
                    errors: [503]
                ), brokerTopics
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/topics/{name}",
                    summary: "One topic with its configs, cleanup policy and, where known, log cleaner figures",
                    parameters: [.init(name: "name", inPath: true, description: "topic name")],
                    errors: [404, 503]
                ), brokerTopic
            ),
            (Route(method: .get, path: "/api/broker/groups", summary: "Consumer groups", errors: [503]), brokerGroups),
            (
                Route(
                    method: .get,
                    path: "/api/broker/groups/{id}",
                    summary: "One group's members, assignments, committed offsets and lag",
                    parameters: [.init(name: "id", inPath: true, description: "group id")],
                    errors: [404, 503]
                ), brokerGroup
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/groups/{id}/lag-history",
                    summary: "A group's lag over time (records and seconds behind, rate of consumption)",
                    parameters: [
                        .init(name: "id", inPath: true, description: "group id"),
                        .init(name: "minutes", inPath: false, description: "how far back, 1 to 1440 (default 60)"),
                    ],
                    errors: [400, 503]
                ), groupLagHistory
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/groups/{id}/rebalances",
                    summary: "A group's last changes of membership and state, with each member's phase and partitions",
                    parameters: [.init(name: "id", inPath: true, description: "group id")],
                    errors: [503]
                ), groupRebalances
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/connections",
                    summary: """
                        Open client connections: address, listener, principal, client id and software, since, \
                        requests by API, bytes, errors, consumer positions and lag, groups
                        """,
                    errors: [503]
                ), brokerConnections
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/connections/{id}/requests",
                    summary: "One connection's requests, decoded, as they arrive (sampled; watched while polled)",
                    parameters: [
                        .init(name: "id", inPath: true, description: "connection id"),
                        .init(name: "after", inPath: false, description: "only requests after this sequence number"),
                    ],
                    errors: [400, 404, 503]
                ), connectionRequests
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/connections/{id}/requests/{sequence}/raw",
                    summary: "The bytes of one kept request, in hex",
                    parameters: [
                        .init(name: "id", inPath: true, description: "connection id"),
                        .init(name: "sequence", inPath: true, description: "the request's sequence number"),
                    ],
                    errors: [400, 404, 503]
                ), connectionRequestRaw
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/doctor",
                    summary: "Common client mistakes seen on the wire, each with what fixes it",
                    errors: [503]
                ), brokerDoctor
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/transactions",
                    summary: "Transactions with producer, state, partitions, age and timeout; open ones first",
                    errors: [503]
                ), brokerTransactions
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/messages",
                    summary: "The newest messages of a topic, newest first",
                    parameters: [
                        .init(name: "topic", inPath: false, description: "topic name (required)"),
                        .init(name: "partition", inPath: false, description: "one partition (default all)"),
                        .init(name: "limit", inPath: false, description: "1 to 200 (default 20)"),
                        .init(
                            name: "filter",
                            inPath: false,
                            description: "keep messages whose key or value contains this text"
                        ),
                    ],
                    errors: [400, 404, 503]
                ), brokerMessages
            ),
            (
                Route(
                    method: .post,
                    path: "/api/control/simulator",
                    summary: "Start, stop, pause or resume the simulator, set its rate or trigger a scenario",
                    needsToken: true,
                    bodySchema: "SimulatorCommand",
                    errors: [404, 409]
                ), controlSimulator
            ),
            (
                Route(
                    method: .post,
                    path: "/api/control/components/{name}/restart",
                    summary: "Restart one component",
                    needsToken: true,
                    parameters: [
                        .init(name: "name", inPath: true, description: "broker, simulator, analyzer or dashboard")
                    ],
                    success: (202, "restart under way", "application/json"),
                    errors: [404, 409]
                ), restartComponent
            ),
            (
                Route(
                    method: .get,
                    path: "/metrics",
                    summary: "Prometheus text format 0.0.4",
                    success: (200, "metrics", "text/plain; version=0.0.4")
                ), metrics
            ),
            (Route(method: .get, path: "/healthz", summary: "Liveness: 200 while the process serves"), healthz),
            (
                Route(
                    method: .get,
                    path: "/readyz",
                    summary: "Readiness: 200 when every enabled component runs, else 503 naming the others",
                    errors: [503]
                ), readyz
            ),
            (
                Route(
                    method: .get,
                    path: "/ws",
                    summary:
                        """
                        WebSocket of live events (initial_data, snapshot_update, top_products_update, \
                        categories_update, raw_orders_update, alerts_update, service_status_update)
                        """,
                    success: (101, "switching to the WebSocket protocol", "application/json"),
                    errors: [403, 426]
                ), webSocketFallback
            ),
        ]
        list += actionRoutes()
        list += labRoutes()
        list += classroomRoutes()
        let documentRoute = Route(method: .get, path: "/api/openapi.json", summary: "This document")
        let table = RouteTable(routes: list.map(\.0) + [documentRoute])
        list.append((documentRoute, openAPI(table)))
        return list
    }
}

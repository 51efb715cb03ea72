import Analyzer
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The dashboard as a `Service`: the page, the REST API, the WebSocket push, the broker
/// console and `/metrics` on one port (Sources/Dashboard/README.md is its contract).
///
/// It follows the analyzer through a `SnapshotPublisher` subscription and pushes each new
/// snapshot to the WebSocket clients; it asks the appliance for the components' status and
/// hands the operator's commands to it through `ApplianceControl`. Graceful shutdown closes
/// the listener and every WebSocket, and ends within the configured grace period whatever
/// the clients do.
public final class DashboardServer: Service, Sendable {
    let api: DashboardAPI
    private let onServerRunning: @Sendable (Int) async -> Void

    /// A server; nothing listens until `run`.
    ///
    /// - Parameters:
    ///   - console: where the broker console reads; nil answers its routes with 503.
    ///   - lagHistory: consumer groups' lag over time (a `LagSampler` fills it); nil answers
    ///     its route with 503.
    ///   - labs: the class's lab (a service of its own runs its checks); nil answers its routes
    ///     with 503.
    ///   - metrics: components' own figures for `/metrics` (simulator, broker).
    ///   - onServerRunning: called with the bound port once the server listens.
    public init(
        configuration: DashboardConfiguration,
        snapshots: SnapshotPublisher,
        control: any ApplianceControl,
        console: (any BrokerConsoleSource)? = nil,
        lagHistory: LagHistoryStore? = nil,
        labs: LabSession? = nil,
        metrics: [any MetricsProvider] = [],
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        api = DashboardAPI(
            configuration: configuration,
            snapshots: snapshots,
            control: control,
            console: console,
            lagHistory: lagHistory,
            labs: labs,
            metricsProviders: metrics,
            logger: logger
        )
        self.onServerRunning = onServerRunning
    }

    /// Serves until graceful shutdown.
    ///
    /// A stop must not wait on clients: Hummingbird's graceful shutdown closes the listener
    /// and then waits for every connection to end, and only connections in the middle of an
    /// HTTP exchange act on its request to quiesce. So the stop ends the WebSocket sessions
    /// itself, before the server's shutdown begins (`WebSocketFarewell`: close 1001, going
    /// away, and no new ones), the head guard closes connections with nothing under way, and
    /// whatever is still open after the grace period is closed.
    public func run() async throws {
        if api.chartJS == nil {
            api.logger.warning(
                """
                Chart.js not found at \(api.configuration.chartJSPath): the page shows tables without charts (apt \
                install libjs-chart.js, or --chart-js PATH)
                """
            )
        }
        let connections = ConnectionRegistry()
        defer { connections.cancelDeadline() }
        let grace = api.configuration.shutdownGrace
        // Stopped in reverse: the farewell first, then the application.
        let services = ServiceGroup(
            configuration: .init(
                services: [
                    try makeApplication(connections: connections),
                    WebSocketFarewell(hub: api.hub, limit: min(grace, .seconds(1))),
                ],
                logger: api.logger
            )
        )
        try await withGracefulShutdownHandler {
            try await services.run()
        } onGracefulShutdown: { [logger = api.logger] in
            connections.closeAll(after: grace) { open in
                logger.info("dashboard: closing \(open) connection(s) still open \(grace) after the stop began")
            }
        }
    }

    /// The Hummingbird application: the router over the route table, HTTP/1.1 connections
    /// with the WebSocket upgrade behind the Origin gate and the request limits.
    func makeApplication(connections: ConnectionRegistry = ConnectionRegistry()) throws -> some ApplicationProtocol {
        let api = self.api
        let configuration = api.configuration
        let policy = api.origins
        let bodyLimit = configuration.bodyLimit
        // The decoder's own limits sit above the guard's, so the guard answers first.
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: configuration.maxRequestHead + configuration.maxRequestLine,
            maxHeaderListSize: configuration.maxRequestHead + configuration.maxRequestLine
        )
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [BodyLimitHandler(bodyLimit: bodyLimit)],
            idleTimeout: TimeAmount(configuration.idleTimeout),
            httpDecoderConfiguration: decoder
        )
        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: http1,
            ws: .init(closeTimeout: configuration.shutdownGrace)
        )
        let limits = RequestHeadGuard.Limits(
            maxRequestLine: configuration.maxRequestLine,
            maxHead: configuration.maxRequestHead,
            headerTimeout: TimeAmount(configuration.headerTimeout),
            idleTimeout: TimeAmount(configuration.idleTimeout)
        )
        let server = HTTPServerBuilder { responder in
            DashboardChannel(
                upgradeChannel: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: webSocket) {
                    head,
                    _,
                    _ in
                    guard head.path?.split(separator: "?").first == "/ws",
                        policy.allows(origin: head.headerFields[.origin], host: head.authority)
                    else {
                        return .dontUpgrade
                    }
                    return .upgrade([:]) { inbound, outbound, _ in
                        try await WebSocketSession.run(inbound: inbound, outbound: outbound, hub: api.hub) {
                            await api.initialData()
                        }
                    }
                },
                policy: policy,
                limits: limits,
                connections: connections
            )
        }
        return Application(
            router: makeRouter(),
            server: try configuration.tls.map { try .tls(server, tlsConfiguration: $0) } ?? server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: [PushService(api: api)],
            onServerRunning: { [onServerRunning] channel in
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: api.logger
        )
    }

    /// The router: the response policy around every route of the table.
    func makeRouter() -> Router<BasicRequestContext> {
        let routes = api.routes()
        let router = Router()
        router.add(
            middleware: ResponsePolicyMiddleware(
                routes: RouteTable(routes: routes.map(\.route)),
                counters: api.counters
            )
        )
        for (route, handler) in routes {
            router.on(RouterPath(route.path), method: route.method, use: handler)
        }
        return router
    }
}

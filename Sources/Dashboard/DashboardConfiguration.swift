import NIOSSL

/// How the dashboard server runs: where it listens, who may change state, what it serves.
public struct DashboardConfiguration: Sendable {
    /// Address to bind (`0.0.0.0` for every interface).
    public var host: String
    /// Port to bind; 0 picks a free one (tests), reported through `onServerRunning`.
    public var port: Int
    /// The bearer token every state-changing request must carry.
    public var adminToken: String
    /// Largest request body accepted; larger ones get 413.
    public var bodyLimit: Int
    /// Origins a WebSocket may be opened from besides the page's own host
    /// (`http://projector.local:5005`); `*` allows every origin.
    public var allowedOrigins: [String]
    /// Where Chart.js lives on disk (Debian's libjs-chart.js); served as
    /// `/assets/chart.min.js`, 404 when missing.
    public var chartJSPath: String
    /// The page and its assets by file name (`index.html`, `console.html`, `dashboard.js`, ...).
    public var assets: [String: StaticAsset]
    /// Most WebSocket clients at once; more are closed with code 1013 (try again later).
    public var maxWebSocketClients: Int
    /// Messages kept per WebSocket client; a slow client loses its oldest ones.
    public var clientQueueLength: Int
    /// How often `service_status_update` is pushed even when nothing changed.
    public var statusInterval: Duration
    /// Longest request line (method, URI, version); a longer one is answered 414.
    public var maxRequestLine: Int
    /// Longest request head (request line and headers); a longer one is answered 431.
    public var maxRequestHead: Int
    /// Time a request head has to arrive whole from its first byte (408 then), and a new
    /// connection to start sending one (closed then).
    public var headerTimeout: Duration
    /// Time a kept-alive connection with nothing under way stays open.
    public var idleTimeout: Duration
    /// Time a stop leaves clients to finish and hang up (WebSockets are sent 1001 at once);
    /// connections still open then are closed.
    public var shutdownGrace: Duration
    /// Serve HTTPS with this configuration instead of HTTP.
    public var tls: TLSConfiguration? = nil

    /// A configuration with the contract's defaults: port 5005, 1 MiB bodies, 1,000 clients
    /// of 16 queued messages, status every 5 s; 8 KiB request lines in 64 KiB heads that take at
    /// most 10 s, 60 s idle connections, 3 s for clients to leave at a stop.
    public init(
        host: String = "0.0.0.0",
        port: Int = 5005,
        adminToken: String,
        bodyLimit: Int = 1 << 20,
        allowedOrigins: [String] = [],
        chartJSPath: String = DashboardConfiguration.debianChartJS,
        assets: [String: StaticAsset] = [:],
        maxWebSocketClients: Int = 1000,
        clientQueueLength: Int = 16,
        statusInterval: Duration = .seconds(5),
        maxRequestLine: Int = 8 << 10,
        maxRequestHead: Int = 64 << 10,
        headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        shutdownGrace: Duration = .seconds(3)
    ) {
        self.host = host
        self.port = port
        self.adminToken = adminToken
        self.bodyLimit = bodyLimit
        self.allowedOrigins = allowedOrigins
        self.chartJSPath = chartJSPath
        self.assets = assets
        self.maxWebSocketClients = maxWebSocketClients
        self.clientQueueLength = clientQueueLength
        self.statusInterval = statusInterval
        self.maxRequestLine = maxRequestLine
        self.maxRequestHead = maxRequestHead
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.shutdownGrace = shutdownGrace
    }

    /// Where Debian's `libjs-chart.js` installs Chart.js.
    public static let debianChartJS = "/usr/share/javascript/chart.js/chart.min.js"
}

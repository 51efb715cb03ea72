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

    /// A configuration with the contract's defaults: port 5005, 1 MiB bodies, 1,000 clients
    /// of 16 queued messages, status every 5 s.
    public init(host: String = "0.0.0.0", port: Int = 5005, adminToken: String, bodyLimit: Int = 1 << 20,
                allowedOrigins: [String] = [], chartJSPath: String = DashboardConfiguration.debianChartJS,
                assets: [String: StaticAsset] = [:], maxWebSocketClients: Int = 1000, clientQueueLength: Int = 16,
                statusInterval: Duration = .seconds(5)) {
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
    }

    /// Where Debian's `libjs-chart.js` installs Chart.js.
    public static let debianChartJS = "/usr/share/javascript/chart.js/chart.min.js"
}

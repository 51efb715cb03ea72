import Analyzer
import Common
import Hummingbird
import KafkaWire
import Logging
import NIOCore

/// What the routes answer from: the snapshots, the appliance, the broker console, the
/// external results and the WebSocket hub. Each route is one method in an extension,
/// grouped by concern (`+Pages`, `+Analytics`, `+External`, `+Control`, `+Broker`, `+Operations`).
struct DashboardAPI: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    let configuration: DashboardConfiguration
    let snapshots: SnapshotPublisher
    let control: any ApplianceControl
    let console: (any BrokerConsoleSource)?
    /// Consumer groups' lag over time; nil where nobody samples it.
    let lagHistory: LagHistoryStore?
    /// The class's lab; nil where progress cannot be kept (no data directory).
    let labs: LabSession?
    let metricsProviders: [any MetricsProvider]
    let external = ExternalResults()
    let hub: WebSocketHub
    let counters = HTTPCounters()
    let token: AdminToken
    let origins: OriginPolicy
    let rates = MessageRates()
    let chartJS: StaticAsset?
    let logger: Logger

    init(
        configuration: DashboardConfiguration,
        snapshots: SnapshotPublisher,
        control: any ApplianceControl,
        console: (any BrokerConsoleSource)?,
        lagHistory: LagHistoryStore? = nil,
        labs: LabSession? = nil,
        metricsProviders: [any MetricsProvider],
        logger: Logger
    ) {
        self.configuration = configuration
        self.snapshots = snapshots
        self.control = control
        self.console = console
        self.lagHistory = lagHistory
        self.labs = labs
        self.metricsProviders = metricsProviders
        self.logger = logger
        hub = WebSocketHub(maxClients: configuration.maxWebSocketClients, queueLength: configuration.clientQueueLength)
        token = AdminToken(configuration.adminToken)
        origins = OriginPolicy(allowedOrigins: configuration.allowedOrigins)
        chartJS = StaticAsset.file(atPath: configuration.chartJSPath, contentType: "text/javascript; charset=utf-8")
    }

    /// The components' status as of now.
    func serviceView() async -> ServiceStatusView {
        async let statuses = control.componentStatuses()
        async let resources = control.resourceUsage()
        return await ServiceStatusView(statuses: statuses, resources: resources, nowMicros: WallClock.nowMicros)
    }

    /// The `initial_data` message for a new WebSocket client.
    func initialData() async -> ByteBuffer {
        PushEvents.initialData(snapshots.latest, services: await serviceView())
    }

    /// Checks the admin token of a state-changing request.
    func authorize(_ request: Request) throws(APIError) {
        try token.authorize(request, logger: logger)
    }

    /// A query parameter as a whole number in a range; the default when absent.
    static func integer(
        _ request: Request,
        _ name: String,
        default value: Int,
        in range: ClosedRange<Int>
    ) throws(APIError) -> Int {
        guard let text = FormQuery(request).get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest(
                "invalid-parameter",
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"
            )
        }
        return number
    }
}

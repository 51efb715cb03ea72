import Common
import FoundationEssentials
import Hummingbird
import KafkaWire

extension DashboardAPI {
    /// The body of `POST /api/control/simulator`: exactly one of the three.
    private struct SimulatorRequest: Decodable {
        var action: String?
        var rate: Double?
        var scenario: String?
    }

    /// `POST /api/control/simulator`: start, stop, pause, resume, a rate or a scenario;
    /// answers the simulator's new status.
    func controlSimulator(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let body = try await JSONBody.decode(SimulatorRequest.self, from: request, limit: configuration.bodyLimit)
        let command = try Self.command(from: body)
        let status = try await controlCall { try await $0.simulator(command) }
        logger.info("simulator command \(command) applied")
        let view = ServiceStatusView(
            statuses: [status],
            resources: .init(cpuPercent: 0, residentBytes: 0, dataBytes: 0, diskFreeBytes: 0),
            nowMicros: WallClock.nowMicros
        )
        var writer = JSONWriter()
        view.writeComponent(status, to: &writer)
        return .json(writer)
    }

    /// `POST /api/control/components/{name}/restart`: 202 once the restart is under way.
    func restartComponent(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = context.parameters.get("name") ?? ""
        try await controlCall { try await $0.restart(component: name) }
        logger.info("restart of \(name) requested")
        return .jsonObject(status: .accepted) { writer in
            writer.key("component")
            writer.string(name)
            writer.key("status")
            writer.string("restarting")
        }
    }

    private static func command(from body: SimulatorRequest) throws(APIError) -> SimulatorCommand {
        let given = [body.action != nil, body.rate != nil, body.scenario != nil].filter { $0 }.count
        guard given == 1 else {
            throw APIError.badRequest(
                "invalid-command",
                """
                send exactly one of {\"action\": \"start|stop|pause|resume\"}, {\"rate\": N} or {\"scenario\": \
                \"flash-sale:PROD-001:30s\"}
                """
            )
        }
        if let rate = body.rate {
            guard rate.isFinite, rate > 0 else {
                throw APIError.badRequest(
                    "invalid-command",
                    "rate must be a number of orders per second above 0, got \(rate)"
                )
            }
            return .rate(rate)
        }
        if let scenario = body.scenario {
            return .scenario(scenario)
        }
        switch body.action {
        case "start": return .start
        case "stop": return .stop
        case "pause": return .pause
        case "resume": return .resume
        default:
            throw APIError.badRequest(
                "invalid-command",
                "action must be start, stop, pause or resume, got '\(body.action ?? "")'"
            )
        }
    }

    /// The answer to a refused control or console request.
    /// Runs one call of the appliance's controls, its refusal as the API's error.
    func controlCall<Value>(_ body: (any ApplianceControl) async throws -> Value) async throws -> Value {
        do {
            return try await body(control)
        } catch let error as DashboardRequestError {
            throw Self.apiError(error)
        }
    }

    static func apiError(_ error: DashboardRequestError) -> APIError {
        switch error.kind {
        case .notFound: APIError(.notFound, "not-found", error.message)
        case .invalid: APIError(.badRequest, "invalid-command", error.message)
        case .conflict: APIError(.conflict, "conflict", error.message)
        case .unavailable: APIError(.serviceUnavailable, "unavailable", error.message)
        }
    }
}

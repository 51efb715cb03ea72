import Dashboard
import Simulator

extension ApplianceStatus {
    /// Carries out an operator's command on the simulator and answers its new status: start
    /// and stop go to its supervisor (a stopped simulator waits to be started), the others to
    /// the running simulator.
    ///
    /// - Throws: `DashboardRequestError` when there is no simulator, it is not running for a
    ///   command that needs it, or the command is invalid.
    public func simulator(_ command: SimulatorCommand) async throws -> ComponentStatus {
        guard let component = component("simulator"), let (running, catalog) = attachedSimulator() else {
            let message = "the simulator is not part of this appliance (started with --no-simulator)"
            throw DashboardRequestError(.notFound, message)
        }
        switch command {
        case .start:
            component.start()
            running?.resume()
        case .stop:
            await component.stop()
        case .pause, .resume, .rate, .scenario:
            guard let simulator = running, component.status.state == .running else {
                let message = "the simulator is not running: start it first ({\"action\": \"start\"})"
                throw DashboardRequestError(.conflict, message)
            }
            try apply(command, to: simulator, catalog: catalog)
        }
        // Start and stop take effect at the simulator's next tick; wait briefly so the answer shows it.
        for _ in 0..<20 {
            let state = component.status.state
            if command == .stop ? state == .stopped : (command != .start || state == .running) { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (await componentStatuses()).first { $0.name == "simulator" }!
    }

    private func apply(_ command: SimulatorCommand, to simulator: OrderSimulator, catalog: Catalog) throws {
        switch command {
        case .pause:
            simulator.pause()
        case .resume:
            simulator.resume()
        case .rate(let perSecond):
            guard perSecond.isFinite, perSecond > 0 else {
                throw DashboardRequestError(.invalid, "the rate must be a number of orders per second above 0")
            }
            simulator.setPacing(.fixed(perSecond: perSecond))
        case .scenario(let text):
            do {
                _ = try simulator.trigger(try ScenarioOption(parsing: text, catalog: catalog).scenario)
            } catch {
                throw DashboardRequestError(.invalid, "\(error)")
            }
        case .start, .stop:
            break
        }
    }
}

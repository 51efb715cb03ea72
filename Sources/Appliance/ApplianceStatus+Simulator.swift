import Dashboard
import Simulator

extension ApplianceStatus {
    /// Carries out an operator's command on the simulator and answers its new status.
    func simulator(_ command: SimulatorCommand) async throws -> ComponentStatus {
        guard let (simulator, catalog) = attachedSimulator() else {
            throw ControlError(.notFound, "the simulator is not part of this appliance (started with --no-simulator)")
        }
        let state = (await componentStatuses()).first { $0.name == "simulator" }?.state
        switch command {
        case .start, .resume:
            guard state == .running else {
                throw ControlError(.conflict, "the simulator has stopped and cannot be started again in this process; restart the appliance")
            }
            simulator.resume()
        case .pause:
            simulator.pause()
        case .stop:
            simulator.stop()
        case .rate(let perSecond):
            guard perSecond.isFinite, perSecond > 0 else {
                throw ControlError(.invalid, "the rate must be a number of orders per second above 0")
            }
            simulator.setPacing(.fixed(perSecond: perSecond))
        case .scenario(let text):
            do {
                _ = try simulator.trigger(try ScenarioOption(parsing: text, catalog: catalog).scenario)
            } catch {
                throw ControlError(.invalid, "\(error)")
            }
        }
        if command == .stop {
            // The run loop stops at its next tick; wait briefly so the answer shows it.
            for _ in 0..<20 where simulator.stats.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        }
        return (await componentStatuses()).first { $0.name == "simulator" }!
    }
}

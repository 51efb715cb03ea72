import Analyzer
import Dashboard
import Logging

extension RunCommand {
    /// The dashboard of `aseed run`: it follows the analyzer's snapshots, reads the broker
    /// console over the Kafka protocol (`bootstrap`) and controls the appliance through `status`.
    func dashboardServer(_ settings: Settings, dataDirectory: String, bootstrap: String, embeddedBroker: Bool,
                         snapshots: SnapshotPublisher, status: ApplianceStatus, logger: Logger) throws -> DashboardServer {
        let console = KafkaBrokerConsole(
            bootstrapServers: try DashboardCommand.addresses(bootstrap), dataDirectory: embeddedBroker ? dataDirectory : nil, logger: logger)
        status.attach(brokerRate: { await console.messagesPerSecond() })
        return DashboardServer(
            configuration: try dashboard.configuration(settings, dataDirectory: dataDirectory, logger: logger),
            snapshots: snapshots, control: status, console: console, metrics: [status], logger: logger)
    }
}

import Analyzer
import ApplianceKit
import Dashboard
import Logging

extension RunCommand {
    /// The dashboard of `aseed run` under its supervisor: it follows the analyzer's snapshots,
    /// reads the broker console over the Kafka protocol (`bootstrap`) and controls the
    /// appliance through `status`. The configuration (and a generated token's one log line)
    /// is made once; a restart builds a new server with it.
    func dashboardComponent(
        _ settings: Settings,
        dataDirectory: String,
        bootstrap: String,
        embeddedBroker: Bool,
        snapshots: SnapshotPublisher,
        status: ApplianceStatus,
        logger: Logger
    ) throws -> SupervisedComponent {
        let configuration = try dashboard.configuration(settings, dataDirectory: dataDirectory, logger: logger)
        let console = KafkaBrokerConsole(
            bootstrapServers: try DashboardCommand.addresses(bootstrap),
            dataDirectory: embeddedBroker ? dataDirectory : nil,
            logger: logger
        )
        status.attach(brokerRate: { await console.messagesPerSecond() })
        return SupervisedComponent(name: "dashboard", logger: logger) {
            [
                .init(
                    service: DashboardServer(
                        configuration: configuration,
                        snapshots: snapshots,
                        control: status,
                        console: console,
                        metrics: [status],
                        logger: logger
                    )
                )
            ]
        }
    }
}

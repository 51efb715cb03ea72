import Analyzer
import ApplianceKit
import Dashboard
import KafkaWire
import Logging

extension DashboardOptions {
    /// The dashboard under its supervisor, for `aseed run` and `aseed dashboard`: it follows
    /// the analyzer's snapshots, reads the broker console over the Kafka protocol (`bootstrap`),
    /// samples the consumer groups' lag into `<data-dir>/dashboard/lag-history.sqlite`, checks
    /// the class's lab (progress in `<data-dir>/dashboard/labs/`) and controls the appliance
    /// through `status`. The configuration (and a generated token's
    /// one log line) is made once; a restart builds a new server with it.
    ///
    /// - Parameters:
    ///   - brokerDataDirectory: the embedded broker's data directory, for partition sizes in the
    ///     console; nil for an external cluster.
    ///   - embeddedBroker: the broker of this process: its log cleaner figures, its client list
    ///     and its authorizer's refusals for the console and `/metrics`; nil for an external cluster.
    func component(
        _ settings: Settings,
        dataDirectory: String,
        bootstrap: String,
        security: KafkaClientSecurity = .plaintext,
        brokerDataDirectory: String?,
        embeddedBroker: EmbeddedBroker?,
        snapshots: SnapshotPublisher,
        status: ApplianceStatus,
        tlsFlags: (certificate: String?, key: String?) = (nil, nil),
        tlsHosts: [String] = [],
        logger: Logger
    ) throws -> SupervisedComponent {
        let configuration = try configuration(
            settings,
            dataDirectory: dataDirectory,
            tlsFlags: tlsFlags,
            tlsHosts: tlsHosts,
            logger: logger
        )
        let console = KafkaBrokerConsole(
            bootstrapServers: try DashboardCommand.addresses(bootstrap),
            security: security,
            dataDirectory: brokerDataDirectory,
            cleanerFigures: embeddedBroker?.cleanerFiguresProvider,
            wire: embeddedBroker,
            logger: logger
        )
        status.attach(brokerRate: { await console.messagesPerSecond() })
        try createDirectories(dataDirectory + "/dashboard", for: "data-dir", mode: 0o700)
        let lagHistory = try LagHistoryStore(path: dataDirectory + "/dashboard/" + LagHistoryStore.fileName)
        let interval = try lagSampleInterval(settings)
        try createDirectories(dataDirectory + "/dashboard/labs/archive", for: "data-dir", mode: 0o700)
        let labs = LabSession(
            directory: dataDirectory + "/dashboard/labs",
            console: console,
            latestSnapshot: { snapshots.latest },
            logger: logger
        )
        return SupervisedComponent(name: "dashboard", logger: logger) {
            let sampler = LagSampler(console: console, store: lagHistory, interval: interval, logger: logger)
            return [
                .init(
                    service: DashboardServer(
                        configuration: configuration,
                        snapshots: snapshots,
                        control: status,
                        console: console,
                        lagHistory: lagHistory,
                        labs: labs,
                        metrics: [status, sampler],
                        logger: logger
                    )
                ),
                .init(service: sampler),
                .init(service: labs),
            ]
        }
    }
}

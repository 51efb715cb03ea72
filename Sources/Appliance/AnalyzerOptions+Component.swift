import Analyzer
import ApplianceKit
import KafkaWire
import Logging

extension AnalyzerOptions {
    /// The analyzer under its supervisor, for `aseed run` and `aseed dashboard`, publishing to
    /// `snapshots`. A published snapshot means a checkpoint was written, so after a failure the
    /// analyzer counts as working again at its first snapshot rather than after the settle time.
    /// `status` learns its topics and checkpoint, for the reset between classes.
    func component(
        _ settings: Settings,
        bootstrapServers: String,
        security: KafkaClientSecurity = .plaintext,
        dataDirectory: String,
        topic: String,
        snapshots: SnapshotPublisher,
        status: ApplianceStatus,
        logger: Logger
    ) throws -> SupervisedComponent {
        let configuration = try configuration(
            settings,
            bootstrapServers: bootstrapServers,
            security: security,
            dataDirectory: dataDirectory,
            topic: topic
        )
        status.attach(
            ordersTopics: [configuration.topic, configuration.deadLetterTopic],
            analyzerCheckpoint: configuration.checkpointPath
        )
        try createDirectories(configuration.directory, for: "data-dir")
        let checkpointed: SupervisedComponent.ProgressProbe = { since in
            (snapshots.latest?.generatedAtMicros ?? .min) >= since
        }
        return SupervisedComponent(name: "analyzer", logger: logger, madeProgress: checkpointed) {
            [.init(service: OrderAnalyzer(configuration: configuration, snapshots: snapshots, logger: logger))]
        }
    }
}

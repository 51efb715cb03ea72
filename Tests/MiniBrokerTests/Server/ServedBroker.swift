import Logging
import NIOCore

@testable import MiniBroker

/// What a connection handler serves from: a `RequestHandler` over a fresh data directory, with
/// the connection limits of `configuration`, built as `KafkaBroker` builds its own.
struct ServedBroker {
    let handler: RequestHandler
    let limits: ConnectionLimits
    let logs: LogManager
    private let directory: TemporaryDirectory

    init(_ configure: (inout BrokerConfiguration) -> Void = { _ in }) throws {
        directory = TemporaryDirectory()
        var configuration = BrokerConfiguration()
        configuration.dataDirectory = directory.path
        configure(&configuration)
        let logger = Logger(label: "served-broker")
        let store = try MetadataStore(dataDirectory: directory.path)
        logs = LogManager(dataDirectory: directory.path, configuration: configuration, metadata: store, logger: logger)
        try logs.open()
        let topics = try TopicRegistry(store: store, logs: logs, broker: configuration, logger: logger)
        handler = RequestHandler(
            configuration: configuration,
            topics: topics,
            groups: GroupCoordinator(configuration: .init(), logger: logger),
            transactions: try TransactionCoordinator(store: store, topics: topics, logger: logger),
            offsets: store,
            appends: AppendNotifier(),
            logger: logger
        )
        limits = ConnectionLimits(configuration)
    }

    /// Closes the logs and deletes the data directory.
    func remove() {
        try? logs.close()
        directory.remove()
    }
}

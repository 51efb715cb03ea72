import Logging
import NIOCore

@testable import MiniBroker

/// What a connection handler serves from: a `RequestHandler` over a fresh data directory, with
/// the connection limits of `configuration`, built as `KafkaBroker` builds its own.
struct ServedBroker {
    let handler: RequestHandler
    let limits: ConnectionLimits
    let logs: LogManager
    let users: UserCredentials
    /// The configured (first) listener: its protocol and advertised address.
    let listener: KafkaListener
    let failedLoginDelayMs: Int64
    /// `connections.max.reauth.ms` as a lifetime; nil when logins do not expire.
    let sessionLifetime: TimeAmount?
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
        users = try UserCredentials(store: store)
        listener = configuration.listeners[0]
        failedLoginDelayMs = configuration.failedAuthenticationDelayMs
        sessionLifetime =
            configuration.connectionsMaxReauthMs > 0 ? .milliseconds(configuration.connectionsMaxReauthMs) : nil
        handler = RequestHandler(
            configuration: configuration,
            topics: topics,
            groups: GroupCoordinator(configuration: .init(), logger: logger),
            transactions: try TransactionCoordinator(store: store, topics: topics, logger: logger),
            offsets: store,
            features: try FinalizedFeatures(store: store),
            appends: AppendNotifier(),
            users: users,
            authorizer: try KafkaBroker.authorizer(configuration, store: store, logger: logger),
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

import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The MiniBroker's Kafka listener as a service.
///
/// `init` opens the data directory (recovering partitions after an unclean stop) and creates
/// the initial topics; `run` serves the Kafka protocol until graceful shutdown. Run it in a
/// `ServiceGroup` after `logs` (the `LogManager` service, which flushes in the background):
/// groups stop in reverse order, so the listener stops before the logs are flushed and
/// marked clean.
public final class KafkaBroker: Service, Sendable {
    /// The partition logs; a service of its own (periodic flush, retention, clean close).
    public let logs: LogManager
    private let configuration: BrokerConfiguration
    private let handler: RequestHandler
    private let groups: GroupCoordinator
    private let transactions: TransactionCoordinator
    private let appends: AppendNotifier
    private let users: UserCredentials
    /// The requests the authorizer refused, for `/metrics`.
    public let refusals: AuthorizationRefusals
    /// Who is connected as whom, for the console.
    public let connections = LiveConnections()
    /// What TLS listeners present; nil when no listener uses TLS.
    public let tlsIdentity: TLSIdentity?
    private let tls: NIOSSLContext?
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void
    /// Each listener's advertised `host:port` and why it may not lead here; checked once.
    private let advertisedChecks = Mutex<[(listener: String, address: String, problem: String?)]?>(nil)

    /// - Parameter onListening: called with the bound Kafka port once clients can connect.
    public init(
        configuration: BrokerConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        // Before the first file is opened: the descriptor cache sizes itself from the limit.
        let files = OpenFileLimit.raiseToHardLimit()
        if files.after != files.before {
            logger.info("raised the open file limit from \(files.before) to \(files.after)")
        }
        try FileSystem.createDirectory(configuration.dataDirectory)
        // The reserve is given back first, so the metadata store and the logs open on a disk
        // that something else filled; it is taken again once they are open, if there is room.
        let diskSpace = DiskSpaceGuard(
            dataDirectory: configuration.dataDirectory,
            reserveBytes: configuration.diskReserveBytes,
            logger: logger
        )
        diskSpace.release()
        let store = try MetadataStore(dataDirectory: configuration.dataDirectory)
        let logs = LogManager(
            dataDirectory: configuration.dataDirectory,
            configuration: configuration,
            metadata: store,
            logger: logger,
            diskSpace: diskSpace
        )
        try logs.open()
        let topics = try TopicRegistry(store: store, logs: logs, broker: configuration, logger: logger)
        for (name, partitions) in configuration.initialTopics where topics.topic(named: name) == nil {
            try topics.create(name: name, partitions: partitions)
        }
        diskSpace.replenish()
        self.logs = logs
        self.configuration = configuration
        self.groups = GroupCoordinator(configuration: KafkaBroker.groupConfiguration(configuration), logger: logger)
        let appends = AppendNotifier()
        self.appends = appends
        // Decided transactions get their markers before the first client can read.
        let transactions = try TransactionCoordinator(
            store: store,
            topics: topics,
            logger: logger,
            onMarkersWritten: { appends.notifyAppend() }
        )
        transactions.recover()
        self.transactions = transactions
        let users = try UserCredentials(store: store)
        if let login = configuration.applianceLogin {
            try users.store(login)
        }
        self.users = users
        let refusals = AuthorizationRefusals(logger: logger)
        self.refusals = refusals
        let authorizer = try KafkaBroker.authorizer(configuration, store: store, logger: logger)
        if configuration.listeners.contains(where: \.securityProtocol.usesTLS) {
            let identity = try configuration.tlsIdentity()
            let made = identity.generated ? " (made now)" : ""
            logger.info(
                "TLS certificate \(identity.certificatePath)\(made), SHA-256 fingerprint \(identity.fingerprint)"
            )
            self.tlsIdentity = identity
            self.tls = try identity.serverContext()
        } else {
            self.tlsIdentity = nil
            self.tls = nil
        }
        self.handler = RequestHandler(
            configuration: configuration,
            topics: topics,
            groups: groups,
            transactions: transactions,
            offsets: store,
            features: try FinalizedFeatures(store: store),
            appends: appends,
            users: users,
            authorizer: authorizer,
            refusals: refusals,
            connections: connections,
            logger: logger
        )
        self.logger = logger
        self.onListening = onListening
    }

    /// The authorizer `configuration` asks for, nil with `--authorizer none`.
    static func authorizer(
        _ configuration: BrokerConfiguration,
        store: MetadataStore,
        logger: Logger
    ) throws -> AclAuthorizer? {
        guard configuration.authorizer != .none else { return nil }
        var superUsers = configuration.superUsers
        let classroom = configuration.authorizer == .classroom
        if classroom && superUsers.isEmpty {
            superUsers = [ClassroomPolicy.teacher]
        }
        if let login = configuration.applianceLogin {
            superUsers.append(KafkaPrincipal(user: login.username).description)
        }
        let named = superUsers.isEmpty ? "none" : superUsers.joined(separator: ", ")
        logger.info(
            "authorizer: \(classroom ? "classroom preset over Kafka ACLs" : "Kafka ACLs"); super users: \(named)"
        )
        return try AclAuthorizer(
            store: store,
            superUsers: Set(superUsers),
            allowEveryoneIfNoAclFound: configuration.allowEveryoneIfNoAclFound,
            classroom: classroom ? ClassroomPolicy() : nil
        )
    }

    public func run() async throws {
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let limits = ConnectionLimits(configuration)
        let servers = configuration.listeners.map { listener in
            KafkaServer(
                listener: listener,
                limits: limits,
                saslMechanisms: configuration.saslMechanisms,
                users: users,
                failedLoginDelay: .milliseconds(configuration.failedAuthenticationDelayMs),
                sessionLifetime: configuration.connectionsMaxReauthMs > 0
                    ? .milliseconds(configuration.connectionsMaxReauthMs) : nil,
                tls: listener.securityProtocol.usesTLS ? tls : nil,
                handler: handler,
                eventLoopGroup: eventLoops,
                logger: logger
            )
        }
        let timeouts = Task { [transactions] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                transactions.abortExpiredTransactions()
            }
        }
        do {
            try await cancelWhenGracefulShutdown {
                try await self.serve(servers)
            }
        } catch is CancellationError {
        }
        timeouts.cancel()
        // A clean stop leaves no decided transaction for the next start to complete again.
        transactions.storeCompletions()
        logger.info("Kafka listener stopped")
        groups.shutdown()
        appends.notifyAppend()  // fetches still waiting answer now
        try await eventLoops.shutdownGracefully()
    }

    /// Runs every listener until one fails or all are cancelled. The first listener reports
    /// its port: the one the appliance's components use.
    private func serve(_ servers: [KafkaServer]) async throws {
        let onListening = self.onListening
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, server) in servers.enumerated() {
                if index == 0 {
                    group.addTask { try await server.run(onBound: onListening) }
                } else {
                    group.addTask { try await server.run() }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The changes of every group's membership and state, oldest first.
    public func groupMoments() -> [String: [GroupMoment]] {
        groups.allMoments()
    }

    /// Each listener's security protocol and advertised `host:port`, with why it may not lead
    /// back to this broker (nil when it does). The host names are resolved on the first call only.
    public func advertisedAddresses() -> [(listener: String, address: String, problem: String?)] {
        if let checked = advertisedChecks.withLock({ $0 }) { return checked }
        let checked = configuration.listeners.map { listener in
            (
                listener.securityProtocol.rawValue, "\(listener.advertisedHost):\(listener.advertisedPort)",
                AdvertisedAddressCheck.problem(of: listener)
            )
        }
        advertisedChecks.withLock { $0 = checked }
        return checked
    }

    private static func groupConfiguration(_ configuration: BrokerConfiguration) -> GroupCoordinator.Configuration {
        var groups = GroupCoordinator.Configuration()
        groups.minSessionTimeoutMs = configuration.groupMinSessionTimeoutMs
        groups.maxSessionTimeoutMs = configuration.groupMaxSessionTimeoutMs
        groups.initialRebalanceDelayMs = configuration.groupInitialRebalanceDelayMs
        return groups
    }
}

import ApplianceKit
import ArgumentParser
import KafkaWire
import MiniBroker

/// The broker's own options, shared by `aseed broker` and `aseed run`.
struct BrokerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Create unknown topics when a client asks for them (true|false). Default: true",
            valueName: "bool"
        )
    )
    var autoCreateTopics: Bool?

    @Option(help: ArgumentHelp("Partition count of auto-created topics. Default: 3", valueName: "n"))
    var defaultPartitions: Int32?

    @Option(
        help: ArgumentHelp(
            "Largest record batch accepted, in bytes (message.max.bytes). Default: 1048576",
            valueName: "bytes"
        )
    )
    var messageMaxBytes: Int?

    @Option(
        help: ArgumentHelp(
            "Largest request frame accepted, in bytes (socket.request.max.bytes). Default: 104857600",
            valueName: "bytes"
        )
    )
    var socketRequestMaxBytes: Int?

    @Option(
        help: ArgumentHelp(
            """
            Memory all connections together may hold for requests still arriving (queued.max.request.bytes); a \
            large request that does not fit waits, unread, until others have arrived. Default: 67108864
            """,
            valueName: "bytes"
        )
    )
    var queuedMaxRequestBytes: Int?

    @Option(
        help: ArgumentHelp(
            "Close a connection whose request is not complete this long after its first bytes arrived. Default: 30000",
            valueName: "ms"
        )
    )
    var partialRequestTimeoutMs: Int64?

    @Option(
        help: ArgumentHelp(
            "Close connections idle for this long (connections.max.idle.ms). Default: 600000 (10 minutes)",
            valueName: "ms"
        )
    )
    var connectionsMaxIdleMs: Int64?

    @Option(
        help: ArgumentHelp(
            """
            When appends reach the disk: 'every-batch' (fsync before acknowledging; survives power loss) or \
            'interval-ms=N' (fsync every N ms; a power cut loses at most N ms, a crash of the process nothing). \
            Default: interval-ms=1000
            """,
            valueName: "policy"
        )
    )
    var flush: String?

    @Option(
        help: ArgumentHelp(
            """
            Decompress producer-compressed batches and check every record before storing them, as Kafka does \
            (true|false). Off: they are checked by header and CRC-32C only, at half the CPU, and a batch with \
            junk or a decompression bomb inside reaches the consumers. Default: true
            """,
            valueName: "bool"
        )
    )
    var validateCompressedRecords: Bool?

    @Option(help: ArgumentHelp("Roll a partition's segment file at this size. Default: 67108864", valueName: "bytes"))
    var segmentBytes: Int?

    @Option(
        help: ArgumentHelp(
            "Delete closed segments older than this; -1 keeps them. Default: 604800000 (7 days)",
            valueName: "ms"
        )
    )
    var retentionMs: Int64?

    @Option(
        help: ArgumentHelp(
            "Delete the oldest closed segments while a partition is larger than this; -1 = no limit. Default: -1",
            valueName: "bytes"
        )
    )
    var retentionBytes: Int64?

    @Option(
        help: ArgumentHelp(
            "How often the log cleaner looks for compacted partitions to clean. Default: 15000",
            valueName: "ms"
        )
    )
    var logCleanerIntervalMs: Int64?

    @Option(
        help: ArgumentHelp(
            "Bytes per second the log cleaner may read and write; 0: unthrottled. Default: 67108864",
            valueName: "bytes"
        )
    )
    var logCleanerIoBytesPerSecond: Int64?

    @Option(
        help: ArgumentHelp(
            "How long a new consumer group waits for more members before its first rebalance. Default: 3000",
            valueName: "ms"
        )
    )
    var groupInitialRebalanceDelayMs: Int32?

    @Option(help: ArgumentHelp("Smallest session timeout a consumer may ask for. Default: 6000", valueName: "ms"))
    var groupMinSessionTimeoutMs: Int32?

    @Option(
        help: ArgumentHelp(
            """
            Bytes of the data disk kept free so deleting topics and a clean stop work when it is full; appends \
            are refused before they would use them. 0: none (appends run until the disk refuses). Default: a \
            sixteenth of the disk, at most 33554432
            """,
            valueName: "bytes"
        )
    )
    var diskReserveBytes: Int?

    @Option(help: ArgumentHelp("Most partitions the broker holds, all topics together. Default: 20000", valueName: "n"))
    var maxPartitions: Int?

    @Option(
        help: ArgumentHelp(
            """
            Kafka listeners, instead of --kafka-listen: PROTOCOL://host:port,... with PROTOCOL PLAINTEXT, \
            SASL_PLAINTEXT, SSL or SASL_SSL, e.g. PLAINTEXT://0.0.0.0:9092,SASL_SSL://0.0.0.0:9094. \
            Env: ASEED_LISTENERS
            """,
            valueName: "list"
        )
    )
    var listeners: String?

    @Option(
        help: ArgumentHelp(
            """
            Addresses clients are told to use per listener, instead of --kafka-advertise: \
            PROTOCOL://host:port,... Default: each listener's host (localhost for 0.0.0.0) and port
            """,
            valueName: "list"
        )
    )
    var advertisedListeners: String?

    @Option(
        help: ArgumentHelp(
            "SASL mechanisms offered on SASL listeners. Default: PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
            valueName: "list"
        )
    )
    var saslMechanisms: String?

    @Option(
        help: ArgumentHelp(
            """
            How long a SASL login holds before the client logs in again on its connection \
            (connections.max.reauth.ms, KIP-368); a connection that does not is closed. Default: 0 (no limit)
            """,
            valueName: "ms"
        )
    )
    var connectionsMaxReauthMs: Int64?

    @Option(
        help: ArgumentHelp(
            """
            Who decides what Kafka clients may do: none (everyone may do everything), acls (Kafka's ACLs, \
            managed with kafka-acls or the AdminClient) or classroom (ACLs, then the classroom preset: students \
            read everything and own their topics, groups and transactional ids). Default: none
            """,
            valueName: "kind"
        )
    )
    var authorizer: String?

    @Option(
        help: ArgumentHelp(
            """
            Principals the authorizer allows everything, separated by ; or , (e.g. User:teacher). \
            Default: none; User:teacher with the classroom preset
            """,
            valueName: "list"
        )
    )
    var superUsers: String?

    @Option(
        help: ArgumentHelp(
            "Whether a resource no ACL names is open to every client (allow.everyone.if.no.acl.found). Default: false",
            valueName: "bool"
        )
    )
    var allowEveryoneIfNoAclFound: Bool?

    @Option(
        help: ArgumentHelp(
            """
            Bytes per second each client may produce (producer_byte_rate): per user, per client id without a \
            login; super users unthrottled. Default: 0 (none); 1048576 with the classroom preset
            """,
            valueName: "bytes"
        )
    )
    var producerByteRate: Int64?

    @Option(
        help: ArgumentHelp(
            "Topics a student may own with the classroom preset. Default: 20 (0: no limit)",
            valueName: "n"
        )
    )
    var maxTopicsPerStudent: Int?

    /// The broker settings after flag > environment > file > default resolution.
    func configuration(_ settings: Settings, common: CommonOptions) throws -> BrokerConfiguration {
        var broker = BrokerConfiguration()
        broker.dataDirectory = settings.string("data-dir", flag: common.dataDir, default: "data")
        let listen = try settings.endpoint("kafka-listen", flag: common.kafkaListen, default: "0.0.0.0:9092")
        broker.listenHost = listen.host
        broker.listenPort = listen.port
        let advertise = try settings.endpoint(
            "kafka-advertise",
            flag: common.kafkaAdvertise,
            default: "localhost:\(listen.port)"
        )
        broker.advertisedHost = advertise.host
        broker.advertisedPort = advertise.port
        try applySecurity(settings, common: common, to: &broker)
        try applyAuthorization(settings, to: &broker)
        broker.autoCreateTopics = try settings.bool(
            "auto-create-topics",
            flag: autoCreateTopics,
            default: broker.autoCreateTopics
        )
        broker.defaultPartitions = try settings.integer(
            "default-partitions",
            flag: defaultPartitions,
            default: broker.defaultPartitions
        )
        broker.messageMaxBytes = try settings.integer(
            "message-max-bytes",
            flag: messageMaxBytes,
            default: broker.messageMaxBytes
        )
        broker.socketRequestMaxBytes = try settings.integer(
            "socket-request-max-bytes",
            flag: socketRequestMaxBytes,
            default: broker.socketRequestMaxBytes
        )
        broker.queuedMaxRequestBytes = try settings.integer(
            "queued-max-request-bytes",
            flag: queuedMaxRequestBytes,
            default: broker.queuedMaxRequestBytes
        )
        broker.partialRequestTimeoutMs = try settings.integer(
            "partial-request-timeout-ms",
            flag: partialRequestTimeoutMs,
            default: broker.partialRequestTimeoutMs
        )
        broker.connectionsMaxIdleMs = try settings.integer(
            "connections-max-idle-ms",
            flag: connectionsMaxIdleMs,
            default: broker.connectionsMaxIdleMs
        )
        broker.validateCompressedRecords = try settings.bool(
            "validate-compressed-records",
            flag: validateCompressedRecords,
            default: broker.validateCompressedRecords
        )
        broker.segmentBytes = try settings.integer("segment-bytes", flag: segmentBytes, default: broker.segmentBytes)
        broker.retentionMilliseconds = try settings.integer(
            "retention-ms",
            flag: retentionMs,
            default: broker.retentionMilliseconds
        )
        broker.retentionBytes = try settings.integer(
            "retention-bytes",
            flag: retentionBytes,
            default: broker.retentionBytes
        )
        broker.cleanerCheckIntervalMilliseconds = try settings.integer(
            "log-cleaner-interval-ms",
            flag: logCleanerIntervalMs,
            default: broker.cleanerCheckIntervalMilliseconds
        )
        broker.cleanerIOBytesPerSecond = try settings.integer(
            "log-cleaner-io-bytes-per-second",
            flag: logCleanerIoBytesPerSecond,
            default: broker.cleanerIOBytesPerSecond
        )
        broker.groupInitialRebalanceDelayMs = try settings.integer(
            "group-initial-rebalance-delay-ms",
            flag: groupInitialRebalanceDelayMs,
            default: broker.groupInitialRebalanceDelayMs
        )
        broker.groupMinSessionTimeoutMs = try settings.integer(
            "group-min-session-timeout-ms",
            flag: groupMinSessionTimeoutMs,
            default: broker.groupMinSessionTimeoutMs
        )
        if let reserve = settings.raw("disk-reserve-bytes", flag: diskReserveBytes.map(String.init)) {
            broker.diskReserveBytes = try settings.integer("disk-reserve-bytes", flag: diskReserveBytes, default: 0)
            guard broker.diskReserveBytes! >= 0 else {
                throw ConfigurationError(
                    "\(reserve.source): expected 0 or a positive number of bytes, got \(reserve.value)"
                )
            }
        }
        broker.maxPartitions = try settings.integer(
            "max-partitions",
            flag: maxPartitions,
            default: broker.maxPartitions
        )
        guard broker.maxPartitions > 0 else {
            throw ConfigurationError("max-partitions: expected a positive integer, got \(broker.maxPartitions)")
        }
        if let policy = settings.raw("flush", flag: flush) {
            broker.flushPolicy = try BrokerOptions.flushPolicy(policy.value, source: policy.source)
        }
        guard broker.defaultPartitions > 0 else {
            throw ConfigurationError("default-partitions: expected a positive integer, got \(broker.defaultPartitions)")
        }
        guard broker.messageMaxBytes > 0 else {
            throw ConfigurationError("message-max-bytes: expected a positive integer, got \(broker.messageMaxBytes)")
        }
        guard broker.socketRequestMaxBytes >= 64 else {
            throw ConfigurationError(
                "socket-request-max-bytes: expected at least 64, got \(broker.socketRequestMaxBytes)"
            )
        }
        for (key, value) in [
            ("queued-max-request-bytes", Int64(broker.queuedMaxRequestBytes)),
            ("partial-request-timeout-ms", broker.partialRequestTimeoutMs),
            ("connections-max-idle-ms", broker.connectionsMaxIdleMs),
        ] where value <= 0 {
            throw ConfigurationError("\(key): expected a positive integer, got \(value)")
        }
        return broker
    }

    static func flushPolicy(_ value: String, source: String) throws -> BrokerConfiguration.FlushPolicy {
        if value == "every-batch" { return .everyBatch }
        if value.hasPrefix("interval-ms="), let milliseconds = Int(value.dropFirst("interval-ms=".count)),
            milliseconds > 0
        {
            return .interval(milliseconds: milliseconds)
        }
        throw ConfigurationError("\(source): expected 'every-batch' or 'interval-ms=N' (N > 0), got '\(value)'")
    }

    /// The authorizer, its super users and its default for resources no ACL names.
    private func applyAuthorization(_ settings: Settings, to broker: inout BrokerConfiguration) throws {
        if let kind = settings.raw("authorizer", flag: authorizer) {
            guard let parsed = AuthorizerKind(rawValue: kind.value) else {
                let kinds = AuthorizerKind.allCases.map(\.rawValue).joined(separator: " or ")
                throw ConfigurationError("\(kind.source): expected \(kinds), got '\(kind.value)'")
            }
            broker.authorizer = parsed
        }
        if let list = settings.raw("super-users", flag: superUsers) {
            let principals = list.value.split(whereSeparator: { $0 == ";" || $0 == "," })
                .map { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
                .filter { !$0.isEmpty }
            for principal in principals where !principal.hasPrefix("User:") || principal.count == 5 {
                throw ConfigurationError("\(list.source): expected principals like User:teacher, got '\(principal)'")
            }
            broker.superUsers = principals
        }
        broker.allowEveryoneIfNoAclFound = try settings.bool(
            "allow-everyone-if-no-acl-found",
            flag: allowEveryoneIfNoAclFound,
            default: broker.allowEveryoneIfNoAclFound
        )
        let classroom = broker.authorizer == .classroom
        broker.producerByteRate = try settings.integer(
            "producer-byte-rate",
            flag: producerByteRate,
            default: classroom ? 1_048_576 : 0
        )
        broker.maxTopicsPerStudent = try settings.integer(
            "max-topics-per-student",
            flag: maxTopicsPerStudent,
            default: classroom ? 20 : 0
        )
        for (key, value) in [
            ("producer-byte-rate", broker.producerByteRate),
            ("max-topics-per-student", Int64(broker.maxTopicsPerStudent)),
        ] where value < 0 {
            throw ConfigurationError("\(key): expected 0 (no limit) or more, got \(value)")
        }
    }

    /// Listeners, SASL and TLS settings. `--listeners` / `--advertised-listeners` replace the
    /// single PLAINTEXT listener of `--kafka-listen` / `--kafka-advertise`.
    private func applySecurity(
        _ settings: Settings,
        common: CommonOptions,
        to broker: inout BrokerConfiguration
    ) throws {
        broker.connectionsMaxReauthMs = try settings.integer(
            "connections-max-reauth-ms",
            flag: connectionsMaxReauthMs,
            default: broker.connectionsMaxReauthMs
        )
        guard broker.connectionsMaxReauthMs >= 0 else {
            throw ConfigurationError("connections-max-reauth-ms: expected 0 or more milliseconds")
        }
        if let mechanisms = settings.optionalString("sasl-mechanisms", flag: saslMechanisms) {
            do {
                broker.saslMechanisms = try SaslMechanism.list(mechanisms)
            } catch {
                throw ConfigurationError("sasl-mechanisms: \(error)")
            }
        }
        let certificate = settings.optionalString("tls-certificate", flag: common.tlsCertificate)
        let key = settings.optionalString("tls-key", flag: common.tlsKey)
        guard (certificate == nil) == (key == nil) else {
            throw ConfigurationError("--tls-certificate and --tls-key go together: give both or neither")
        }
        broker.tlsCertificatePath = certificate
        broker.tlsKeyPath = key
        let advertised = settings.optionalString("advertised-listeners", flag: advertisedListeners)
        guard let list = settings.optionalString("listeners", flag: listeners) else {
            if advertised != nil {
                throw ConfigurationError("--advertised-listeners needs --listeners (or use --kafka-advertise)")
            }
            return
        }
        if settings.raw("kafka-listen", flag: common.kafkaListen) != nil
            || settings.raw("kafka-advertise", flag: common.kafkaAdvertise) != nil
        {
            throw ConfigurationError(
                "--listeners replaces --kafka-listen and --kafka-advertise; give the PLAINTEXT address in --listeners"
            )
        }
        let parsed: [KafkaListener]
        do {
            parsed = try KafkaListener.parse(list, advertised: advertised)
        } catch {
            throw ConfigurationError(error.description)
        }
        let first = parsed[0]
        broker.securityProtocol = first.securityProtocol
        broker.listenHost = first.host
        broker.listenPort = first.port
        broker.advertisedHost = first.advertisedHost
        broker.advertisedPort = first.advertisedPort
        broker.additionalListeners = Array(parsed.dropFirst())
    }
}

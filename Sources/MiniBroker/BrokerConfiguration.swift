import KafkaWire

/// How the broker listens, stores and limits. The appliance fills it from flags, `ASEED_*`
/// environment variables and the config file; every field has the documented default.
public struct BrokerConfiguration: Sendable {
    /// When appended data reaches the disk.
    public enum FlushPolicy: Sendable, Equatable {
        /// fsync before each produce is acknowledged: an acknowledged record survives a power cut.
        case everyBatch
        /// fsync at most every N milliseconds: a power cut loses at most the last N ms;
        /// a crash of the process alone (kill -9) loses nothing, the kernel still has the pages.
        case interval(milliseconds: Int)
    }

    /// Address to bind the Kafka listener to.
    public var listenHost: String = "0.0.0.0"
    public var listenPort: Int = 9092
    /// Address clients are told to connect to (Metadata, FindCoordinator).
    public var advertisedHost: String = "localhost"
    public var advertisedPort: Int = 9092
    /// Security of the listener above.
    public var securityProtocol: KafkaListener.SecurityProtocol = .plaintext
    /// Listeners besides the one above, each with its own protocol and advertised address.
    public var additionalListeners: [KafkaListener] = []
    /// Every listener, the one of `listenHost`/`listenPort` first.
    public var listeners: [KafkaListener] {
        let first = KafkaListener(
            securityProtocol: securityProtocol,
            host: listenHost,
            port: listenPort,
            advertisedHost: advertisedHost,
            advertisedPort: advertisedPort
        )
        return [first] + additionalListeners
    }
    /// PEM certificate (chain) and key for TLS listeners; nil: the appliance's own, made at the
    /// first start in `<data-dir>/tls/` (see `TLSIdentity`).
    public var tlsCertificatePath: String? = nil
    public var tlsKeyPath: String? = nil
    /// Mechanisms offered on SASL listeners (`sasl.enabled.mechanisms`).
    public var saslMechanisms: [SaslMechanism] = SaslMechanism.allCases
    /// How long a SASL login holds before the client must log in again on the same connection
    /// (`connections.max.reauth.ms`, KIP-368); 0: for the life of the connection.
    public var connectionsMaxReauthMs: Int64 = 0
    /// How long a failed login waits before its answer, so guessing passwords is slow; other
    /// connections are served meanwhile.
    public var failedAuthenticationDelayMs: Int64 = 1_000
    /// Who decides what clients may do (`authorizer.class.name`).
    public var authorizer: AuthorizerKind = .none
    /// Principals (`User:name`) the authorizer allows everything (`super.users`).
    public var superUsers: [String] = []
    /// Whether a resource no ACL names is open to everyone (`allow.everyone.if.no.acl.found`).
    public var allowEveryoneIfNoAclFound: Bool = false
    /// The login of the appliance's own components when it embeds the broker: its SCRAM
    /// credentials are stored at start and its principal is a super user.
    public var applianceLogin: KafkaClientSecurity.SaslLogin? = nil
    /// Bytes per second each client may produce (Kafka's `producer_byte_rate`): per user, or
    /// per client id on listeners without a login; super users go unthrottled. 0: no quota.
    public var producerByteRate: Int64 = 0
    /// Topics a student may own with the classroom preset; 0: no limit.
    public var maxTopicsPerStudent: Int = 0

    /// Node id of this broker in metadata responses.
    public var nodeID: Int32 = 1
    public var clusterID: String = "aseed-cluster"

    /// Root of all broker data: `topics/`, `metadata.sqlite`.
    public var dataDirectory: String = "data"

    /// Create a topic when a client asks for one that does not exist.
    public var autoCreateTopics: Bool = true
    /// Partition count of auto-created topics.
    public var defaultPartitions: Int32 = 3
    /// Topics created at start when missing, with their partition counts.
    public var initialTopics: [(name: String, partitions: Int32)] = [("orders", 3)]

    /// Largest record batch accepted (`message.max.bytes`).
    public var messageMaxBytes: Int = 1_048_576
    /// Largest request frame accepted (`socket.request.max.bytes`); larger frames are refused
    /// before any buffer is allocated for them.
    public var socketRequestMaxBytes: Int = 104_857_600
    /// Bytes of requests still arriving that all connections together may hold
    /// (`queued.max.request.bytes`). A large request that does not fit waits, unread, until
    /// others have arrived; one larger than this is received alone.
    public var queuedMaxRequestBytes: Int = 64 * 1_048_576
    /// A request whose first bytes arrived must be complete within this time, or its
    /// connection is closed (a client that stalls mid-request holds memory and a descriptor).
    public var partialRequestTimeoutMs: Int64 = 30_000
    /// Close connections idle for this long (`connections.max.idle.ms`).
    public var connectionsMaxIdleMs: Int64 = 600_000

    /// Decompress producer-compressed batches (within 64 MiB, or `max.message.bytes` if
    /// larger) and check every record before storing them, as Kafka does. On by default: a
    /// batch stored unchecked is read by every consumer, so one whose compressed data is junk
    /// behind a correct CRC, or a decompression bomb, would reach them all (the analyzer
    /// copes, other consumers stop at it). Off, such batches are checked by header and CRC-32C
    /// only, which catches damage on the way, at about half the broker's CPU per gigabyte
    /// of lz4 orders. Uncompressed batches are always checked record by record.
    public var validateCompressedRecords: Bool = true

    public var flushPolicy: FlushPolicy = .interval(milliseconds: 1000)
    /// Roll to a new segment at this size (`segment.bytes`).
    public var segmentBytes: Int = 64 * 1_048_576
    /// Roll to a new segment after this age (`segment.ms`).
    public var segmentMilliseconds: Int64 = 7 * 24 * 3_600_000
    /// Delete closed segments older than this (`retention.ms`); -1 keeps them forever.
    public var retentionMilliseconds: Int64 = 7 * 24 * 3_600_000
    /// Delete the oldest closed segments while a partition is larger (`retention.bytes`); -1 = no limit.
    public var retentionBytes: Int64 = -1
    /// How batches are stored (`compression.type`): "lz4" compresses uncompressed batches,
    /// "producer" keeps every batch as sent.
    public var compressionType: String = "lz4"

    /// What happens to old data (`cleanup.policy`): retention deletes segments, compaction keeps
    /// the newest record per key, or both.
    public var cleanupPolicy: CleanupPolicy = .delete
    /// A compacted partition is cleaned once the dirty part (written since the last cleaning)
    /// exceeds this share of the cleanable bytes (`min.cleanable.dirty.ratio`).
    public var minCleanableDirtyRatio: Double = 0.5
    /// Records stay uncompacted for at least this long (`min.compaction.lag.ms`): a segment
    /// whose newest batch is younger is not cleaned yet.
    public var minCompactionLagMilliseconds: Int64 = 0
    /// Dirty data older than this is cleaned whatever the dirty ratio (`max.compaction.lag.ms`).
    public var maxCompactionLagMilliseconds: Int64 = .max

    /// How old the active segment may grow before the next append rolls it: `segment.ms`, or
    /// on a compacted topic `max.compaction.lag.ms` when that is sooner, so records due for
    /// cleaning do not wait in the active segment, which is never cleaned (Kafka's KIP-354).
    public var segmentRollMilliseconds: Int64 {
        cleanupPolicy.compacts ? min(segmentMilliseconds, maxCompactionLagMilliseconds) : segmentMilliseconds
    }
    /// How long a tombstone (a keyed record with a null value) survives in the cleaned part of
    /// a compacted log, so consumers see the deletion (`delete.retention.ms`).
    public var deleteRetentionMilliseconds: Int64 = 86_400_000
    /// Bytes per second the log cleaner may read plus write; 0 or negative: unthrottled.
    /// Kept well below the disk's speed so cleaning does not starve produce and fetch.
    public var cleanerIOBytesPerSecond: Int64 = 64 * 1_048_576
    /// How often the log cleaner looks for compacted partitions to clean.
    public var cleanerCheckIntervalMilliseconds: Int64 = 15_000

    /// Session timeout bounds for consumer group members.
    public var groupMinSessionTimeoutMs: Int32 = 6_000
    public var groupMaxSessionTimeoutMs: Int32 = 1_800_000
    /// How long a new group waits for more members before its first rebalance completes.
    public var groupInitialRebalanceDelayMs: Int32 = 3_000

    /// Bytes of the data directory's disk held back so deleting topics, a clean stop and a
    /// start work on a full disk; appends are refused before they would eat into it
    /// (see `DiskSpaceGuard`). nil: a sixteenth of the disk, at most 32 MiB; 0: no reserve.
    public var diskReserveBytes: Int? = nil
    /// Most partitions the broker holds, all topics together; CreateTopics beyond it is
    /// refused with a message naming the limit.
    public var maxPartitions: Int = 20_000

    public init() {}

    /// The identity TLS listeners present: the configured files, else the appliance's own
    /// (made now if missing), valid for every advertised host.
    public func tlsIdentity() throws -> TLSIdentity {
        if let tlsCertificatePath, let tlsKeyPath {
            return try TLSIdentity.load(certificatePath: tlsCertificatePath, keyPath: tlsKeyPath)
        }
        return try TLSIdentity.applianceOwn(
            in: dataDirectory + "/tls",
            hostnames: listeners.map(\.advertisedHost)
        )
    }
}

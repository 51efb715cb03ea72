import KafkaWire

/// The API versions this broker advertises in ApiVersions, and which of them it serves.
///
/// Advertised ranges start at 0 for the APIs librdkafka probes for exact versions (Produce 0,
/// FindCoordinator 0, the group APIs 0...): it disables features when they are missing, so
/// we advertise them and answer unserved old versions with a proper error response.
enum ServedApis {
    /// Advertised version range per API.
    static let advertised: [ApiKey: ClosedRange<Int16>] = [
        .produce: 0...12,
        .fetch: 4...12,
        .listOffsets: 1...7,
        .metadata: 0...12,
        .offsetCommit: 0...9,
        .offsetFetch: 0...7,
        .findCoordinator: 0...3,
        .joinGroup: 0...9,
        .heartbeat: 0...4,
        .leaveGroup: 0...5,
        .syncGroup: 0...5,
        .describeGroups: 0...5,
        .listGroups: 0...4,
        .apiVersions: 0...4,
        .createTopics: 0...7,
        .deleteTopics: 0...4,
        .initProducerId: 0...4,
        .describeConfigs: 0...4,
        .describeAcls: 0...3,
        .createAcls: 0...3,
        .deleteAcls: 0...3,
        .deleteGroups: 0...2,
        .electLeaders: 0...2,
        .describeCluster: 0...1,
        .describeLogDirs: 0...4,
        .createPartitions: 0...3,
        .deleteRecords: 0...2,
        .alterConfigs: 0...2,
        .incrementalAlterConfigs: 0...1,
        .offsetDelete: 0...0,
        .describeProducers: 0...0,
        .addPartitionsToTxn: 0...5,
        .addOffsetsToTxn: 0...4,
        // Produce 12, EndTxn 5 and TxnOffsetCommit 5 are KIP-890's second transaction
        // protocol, which clients use when ApiVersions finalizes `transaction.version` 2.
        .endTxn: 0...5,
        .txnOffsetCommit: 0...5,
        .writeTxnMarkers: 0...1,
        .describeTransactions: 0...0,
        .listTransactions: 0...1,
        // SASL: answered by the connection's login on SASL listeners (SaslAuthenticator),
        // elsewhere with ILLEGAL_SASL_STATE, as Kafka does.
        .saslHandshake: 0...1,
        .saslAuthenticate: 0...2,
        .describeUserScramCredentials: 0...0,
        .alterUserScramCredentials: 0...0,
        .updateFeatures: 0...2,
    ]

    /// The newest transaction protocol served (`transaction.version` in ApiVersions v3+): 2,
    /// KIP-890's, where Produce and TxnOffsetCommit add partitions and groups to the
    /// transaction themselves and every EndTxn bumps the epoch. Java clients from 4.0 follow
    /// it when it is finalized (`FinalizedFeatures`); older ones, librdkafka and the Python
    /// clients keep the first protocol.
    static let transactionVersion: Int16 = 2

    /// Produce versions below 3 carry message sets v0/v1, which we do not store: they are
    /// decoded and answered with UNSUPPORTED_VERSION per partition.
    static let firstServedProduceVersion: Int16 = 3

    /// ApiVersions response entries, sorted by key; built once, since every connection asks.
    static let apiVersionEntries: [ApiVersionsResponse.ApiVersion] =
        advertised.sorted { $0.key.rawValue < $1.key.rawValue }.map { key, range in
            ApiVersionsResponse.ApiVersion(
                apiKey: key.rawValue,
                minVersion: range.lowerBound,
                maxVersion: range.upperBound
            )
        }
}

import NIOCore

extension ApiKey {
    /// Decodes a request body of this API in `version` with its generated codec; for readers
    /// that take any request (the console's view of a client's requests), where the broker
    /// itself decodes each API with its own type.
    public func decodeRequest(from buffer: inout ByteBuffer, version: Int16) throws -> any KafkaRequestMessage {
        try requestType.init(from: &buffer, version: version)
    }

    /// The generated codec of this API's requests.
    public var requestType: any KafkaRequestMessage.Type {
        switch self {
        case .produce: ProduceRequest.self
        case .fetch: FetchRequest.self
        case .listOffsets: ListOffsetsRequest.self
        case .metadata: MetadataRequest.self
        case .offsetCommit: OffsetCommitRequest.self
        case .offsetFetch: OffsetFetchRequest.self
        case .findCoordinator: FindCoordinatorRequest.self
        case .joinGroup: JoinGroupRequest.self
        case .heartbeat: HeartbeatRequest.self
        case .leaveGroup: LeaveGroupRequest.self
        case .syncGroup: SyncGroupRequest.self
        case .describeGroups: DescribeGroupsRequest.self
        case .listGroups: ListGroupsRequest.self
        case .saslHandshake: SaslHandshakeRequest.self
        case .apiVersions: ApiVersionsRequest.self
        case .createTopics: CreateTopicsRequest.self
        case .deleteTopics: DeleteTopicsRequest.self
        case .deleteRecords: DeleteRecordsRequest.self
        case .initProducerId: InitProducerIdRequest.self
        case .addPartitionsToTxn: AddPartitionsToTxnRequest.self
        case .addOffsetsToTxn: AddOffsetsToTxnRequest.self
        case .endTxn: EndTxnRequest.self
        case .writeTxnMarkers: WriteTxnMarkersRequest.self
        case .txnOffsetCommit: TxnOffsetCommitRequest.self
        case .describeAcls: DescribeAclsRequest.self
        case .createAcls: CreateAclsRequest.self
        case .deleteAcls: DeleteAclsRequest.self
        case .describeConfigs: DescribeConfigsRequest.self
        case .alterConfigs: AlterConfigsRequest.self
        case .describeLogDirs: DescribeLogDirsRequest.self
        case .saslAuthenticate: SaslAuthenticateRequest.self
        case .createPartitions: CreatePartitionsRequest.self
        case .deleteGroups: DeleteGroupsRequest.self
        case .electLeaders: ElectLeadersRequest.self
        case .incrementalAlterConfigs: IncrementalAlterConfigsRequest.self
        case .offsetDelete: OffsetDeleteRequest.self
        case .describeCluster: DescribeClusterRequest.self
        case .describeProducers: DescribeProducersRequest.self
        case .describeUserScramCredentials: DescribeUserScramCredentialsRequest.self
        case .alterUserScramCredentials: AlterUserScramCredentialsRequest.self
        case .updateFeatures: UpdateFeaturesRequest.self
        case .describeTransactions: DescribeTransactionsRequest.self
        case .listTransactions: ListTransactionsRequest.self
        }
    }
}

import KafkaWire
import Logging
import NIOCore

/// Turns one request frame into one response frame.
///
/// It reads the request header, checks the API and version against `ServedApis`, decodes the
/// body with the KafkaWire codec and calls the API's handler (`RequestHandler+<Api>.swift`).
/// Anything the client got wrong becomes a Kafka error code in the response, with one log
/// line; only frames too short to carry a correlation id close the connection.
final class RequestHandler: Sendable {
    let configuration: BrokerConfiguration
    let topics: TopicRegistry
    let groups: GroupCoordinator
    let transactions: TransactionCoordinator
    let offsets: MetadataStore
    /// The finalized features ApiVersions names and UpdateFeatures changes.
    let features: FinalizedFeatures
    let appends: AppendNotifier
    let users: UserCredentials
    /// Nil when every client may do everything (`--authorizer none`).
    let authorizer: AclAuthorizer?
    let refusals: AuthorizationRefusals
    /// Who is connected as whom, for the console.
    let connections: LiveConnections
    /// Nil without a produce quota.
    let produceQuota: ProduceQuota?
    let logger: Logger

    init(
        configuration: BrokerConfiguration,
        topics: TopicRegistry,
        groups: GroupCoordinator,
        transactions: TransactionCoordinator,
        offsets: MetadataStore,
        features: FinalizedFeatures,
        appends: AppendNotifier,
        users: UserCredentials,
        authorizer: AclAuthorizer? = nil,
        refusals: AuthorizationRefusals? = nil,
        connections: LiveConnections = LiveConnections(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.topics = topics
        self.groups = groups
        self.transactions = transactions
        self.offsets = offsets
        self.features = features
        self.appends = appends
        self.users = users
        self.authorizer = authorizer
        self.refusals = refusals ?? AuthorizationRefusals(logger: logger)
        self.connections = connections
        self.produceQuota =
            configuration.producerByteRate > 0 ? ProduceQuota(bytesPerSecond: configuration.producerByteRate) : nil
        self.logger = logger
    }

    /// The response to `frame`, now or later. Throws only when the frame cannot be answered
    /// at all (too short for a header) and the connection must close.
    func handle(
        _ frame: ByteBuffer,
        clientHost: String,
        listener: KafkaListener? = nil,
        principal: KafkaPrincipal = .anonymous,
        connectionID: Int? = nil,
        traffic: ConnectionTraffic? = nil,
        allocator: ByteBufferAllocator
    ) throws -> RequestOutcome {
        var frame = frame
        guard let rawKey = frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int16.self),
            let version = frame.getInteger(at: frame.readerIndex + 2, endianness: .big, as: Int16.self),
            let correlationID = frame.getInteger(at: frame.readerIndex + 4, endianness: .big, as: Int32.self)
        else {
            throw KafkaDecodingError("request frame of \(frame.readableBytes) bytes is too short for a header")
        }
        guard let apiKey = ApiKey(rawValue: rawKey) else {
            logger.warning("unknown API key \(rawKey) from \(clientHost) (correlation id \(correlationID))")
            return .respond(
                ResponseBytes(
                    ResponseFrame.bareError(.unsupportedVersion, correlationID: correlationID, allocator: allocator),
                    errors: KafkaResponseErrors(codes: [KafkaErrorCode.unsupportedVersion.rawValue])
                )
            )
        }
        guard let served = ServedApis.advertised[apiKey], served.contains(version) else {
            logger.warning("unsupported \(apiKey.name) version \(version) from \(clientHost)")
            if apiKey == .apiVersions {
                return .respond(
                    ResponseBytes(
                        apiVersionsFallback(correlationID: correlationID, allocator: allocator),
                        errors: KafkaResponseErrors(codes: [KafkaErrorCode.unsupportedVersion.rawValue])
                    )
                )
            }
            return .respond(
                ResponseBytes(
                    ResponseFrame.bareError(.unsupportedVersion, correlationID: correlationID, allocator: allocator),
                    errors: KafkaResponseErrors(codes: [KafkaErrorCode.unsupportedVersion.rawValue])
                )
            )
        }
        do {
            let header = try RequestHeader(from: &frame, version: apiKey.requestHeaderVersion(for: version))
            let context = RequestContext(
                apiKey: apiKey,
                apiVersion: version,
                correlationID: correlationID,
                clientID: header.clientId,
                clientHost: clientHost,
                listener: listener,
                principal: principal,
                connectionID: connectionID,
                traffic: traffic
            )
            return try dispatch(&frame, context: context, allocator: allocator)
        } catch let error as KafkaDecodingError {
            logger.warning("malformed \(apiKey.name) v\(version) request from \(clientHost): \(error.message)")
            return .respond(
                ResponseBytes(
                    ResponseFrame.bareError(.invalidRequest, correlationID: correlationID, allocator: allocator),
                    errors: KafkaResponseErrors(codes: [KafkaErrorCode.invalidRequest.rawValue])
                )
            )
        }
    }

    private func dispatch(
        _ body: inout ByteBuffer,
        context: RequestContext,
        allocator: ByteBufferAllocator
    ) throws -> RequestOutcome {
        func now<Response: KafkaResponseMessage>(_ response: Response) -> RequestOutcome {
            .respond(ResponseFrame.bytes(of: response, for: context, allocator: allocator))
        }
        func later<Response: KafkaResponseMessage>(_ work: @escaping @Sendable () async -> Response) -> RequestOutcome {
            .respondLater { ResponseFrame.bytes(of: await work(), for: context, allocator: allocator) }
        }
        let version = context.apiVersion
        switch context.apiKey {
        case .apiVersions:
            return now(apiVersions(try ApiVersionsRequest(from: &body, version: version), context))
        case .metadata:
            return now(metadata(try MetadataRequest(from: &body, version: version), context))
        case .produce:
            let request = try ProduceRequest(from: &body, version: version)
            var response = produce(request, context)
            let throttle = produceThrottleMilliseconds(request, context)
            guard throttle > 0 else { return request.acks == 0 ? .respond(nil) : now(response) }
            response.throttleTimeMs = Int32(throttle)
            let bytes = request.acks == 0 ? nil : ResponseFrame.bytes(of: response, for: context, allocator: allocator)
            return .respondThenPause(bytes, .milliseconds(throttle))
        case .fetch:
            let request = try FetchRequest(from: &body, version: version)
            context.traffic?.fetching(request)
            switch fetchWithoutWaiting(request, context) {
            case .ready(let result):
                return .respond(result.encode(for: context, allocator: allocator))
            case .wait(let version, let denied):
                return .respondLater {
                    await self.fetch(request, waitingSince: version, denied: denied)
                        .encode(for: context, allocator: allocator)
                }
            }
        case .listOffsets:
            return now(listOffsets(try ListOffsetsRequest(from: &body, version: version), context))
        case .findCoordinator:
            return now(findCoordinator(try FindCoordinatorRequest(from: &body, version: version), context))
        case .joinGroup:
            let request = try JoinGroupRequest(from: &body, version: version)
            return later { await self.joinGroup(request, context) }
        case .syncGroup:
            let request = try SyncGroupRequest(from: &body, version: version)
            return later { await self.syncGroup(request, context) }
        case .heartbeat:
            let request = try HeartbeatRequest(from: &body, version: version)
            return later { await self.heartbeat(request, context) }
        case .leaveGroup:
            let request = try LeaveGroupRequest(from: &body, version: version)
            return later { await self.leaveGroup(request, context) }
        case .describeGroups:
            let request = try DescribeGroupsRequest(from: &body, version: version)
            return later { await self.describeGroups(request, context) }
        case .listGroups:
            let request = try ListGroupsRequest(from: &body, version: version)
            return later { await self.listGroups(request, context) }
        case .offsetCommit:
            let request = try OffsetCommitRequest(from: &body, version: version)
            return later { await self.offsetCommit(request, context) }
        case .offsetFetch:
            return now(offsetFetch(try OffsetFetchRequest(from: &body, version: version), context))
        case .createTopics:
            return now(createTopics(try CreateTopicsRequest(from: &body, version: version), context))
        case .deleteTopics:
            return now(deleteTopics(try DeleteTopicsRequest(from: &body, version: version), context))
        case .initProducerId:
            return now(initProducerId(try InitProducerIdRequest(from: &body, version: version), context))
        case .describeConfigs:
            return now(describeConfigs(try DescribeConfigsRequest(from: &body, version: version), context))
        case .describeCluster:
            return now(describeCluster(try DescribeClusterRequest(from: &body, version: version), context))
        case .electLeaders:
            return now(electLeaders(try ElectLeadersRequest(from: &body, version: version), context))
        case .describeAcls:
            return now(describeAcls(try DescribeAclsRequest(from: &body, version: version), context))
        case .createAcls:
            return now(createAcls(try CreateAclsRequest(from: &body, version: version), context))
        case .deleteAcls:
            return now(deleteAcls(try DeleteAclsRequest(from: &body, version: version), context))
        case .deleteGroups:
            let request = try DeleteGroupsRequest(from: &body, version: version)
            return later { await self.deleteGroups(request, context) }
        case .describeLogDirs:
            return now(describeLogDirs(try DescribeLogDirsRequest(from: &body, version: version), context))
        case .createPartitions:
            return now(createPartitions(try CreatePartitionsRequest(from: &body, version: version), context))
        case .deleteRecords:
            return now(deleteRecords(try DeleteRecordsRequest(from: &body, version: version), context))
        case .alterConfigs:
            return now(alterConfigs(try AlterConfigsRequest(from: &body, version: version), context))
        case .incrementalAlterConfigs:
            let request = try IncrementalAlterConfigsRequest(from: &body, version: version)
            return now(incrementalAlterConfigs(request, context))
        case .offsetDelete:
            let request = try OffsetDeleteRequest(from: &body, version: version)
            return later { await self.offsetDelete(request, context) }
        case .describeProducers:
            return now(describeProducers(try DescribeProducersRequest(from: &body, version: version), context))
        case .addPartitionsToTxn:
            return now(addPartitionsToTxn(try AddPartitionsToTxnRequest(from: &body, version: version), context))
        case .addOffsetsToTxn:
            return now(addOffsetsToTxn(try AddOffsetsToTxnRequest(from: &body, version: version), context))
        case .endTxn:
            return now(endTxn(try EndTxnRequest(from: &body, version: version), context))
        case .txnOffsetCommit:
            let request = try TxnOffsetCommitRequest(from: &body, version: version)
            return later { await self.txnOffsetCommit(request, context) }
        case .writeTxnMarkers:
            return now(writeTxnMarkers(try WriteTxnMarkersRequest(from: &body, version: version), context))
        case .describeTransactions:
            return now(describeTransactions(try DescribeTransactionsRequest(from: &body, version: version), context))
        case .listTransactions:
            return now(listTransactions(try ListTransactionsRequest(from: &body, version: version), context))
        case .updateFeatures:
            return now(updateFeatures(try UpdateFeaturesRequest(from: &body, version: version), context))
        case .saslHandshake:
            return now(saslHandshake(try SaslHandshakeRequest(from: &body, version: version), context))
        case .saslAuthenticate:
            return now(saslAuthenticate(try SaslAuthenticateRequest(from: &body, version: version), context))
        case .describeUserScramCredentials:
            let request = try DescribeUserScramCredentialsRequest(from: &body, version: version)
            return now(describeUserScramCredentials(request, context))
        case .alterUserScramCredentials:
            let request = try AlterUserScramCredentialsRequest(from: &body, version: version)
            return now(alterUserScramCredentials(request, context))
        }
    }

    /// KIP-511: a client that sends an ApiVersions version we do not know gets a v0-layout
    /// response with UNSUPPORTED_VERSION and our key list, and retries with a version from it.
    private func apiVersionsFallback(correlationID: Int32, allocator: ByteBufferAllocator) -> ByteBuffer {
        let response = ApiVersionsResponse(
            errorCode: KafkaErrorCode.unsupportedVersion.rawValue,
            apiKeys: ServedApis.apiVersionEntries
        )
        let context = RequestContext(
            apiKey: .apiVersions,
            apiVersion: 0,
            correlationID: correlationID,
            clientID: nil,
            clientHost: ""
        )
        return ResponseFrame.encode(response, for: context, allocator: allocator)
    }
}

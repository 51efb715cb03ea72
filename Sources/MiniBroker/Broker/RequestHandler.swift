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
    let offsets: MetadataStore
    let appends: AppendNotifier
    let logger: Logger

    init(
        configuration: BrokerConfiguration, topics: TopicRegistry, groups: GroupCoordinator,
        offsets: MetadataStore, appends: AppendNotifier, logger: Logger
    ) {
        self.configuration = configuration
        self.topics = topics
        self.groups = groups
        self.offsets = offsets
        self.appends = appends
        self.logger = logger
    }

    /// The response frame for `frame`, or nil when the request expects none (Produce acks=0).
    /// Throws only when the frame cannot be answered at all and the connection must close.
    func respond(to frame: ByteBuffer, clientHost: String, allocator: ByteBufferAllocator) async throws -> ByteBuffer? {
        var frame = frame
        guard let rawKey = frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int16.self),
              let version = frame.getInteger(at: frame.readerIndex + 2, endianness: .big, as: Int16.self),
              let correlationId = frame.getInteger(at: frame.readerIndex + 4, endianness: .big, as: Int32.self)
        else {
            throw KafkaDecodingError("request frame of \(frame.readableBytes) bytes is too short for a header")
        }
        guard let apiKey = ApiKey(rawValue: rawKey) else {
            logger.warning("unknown API key \(rawKey) from \(clientHost) (correlation id \(correlationId))")
            return ResponseFrame.bareError(.unsupportedVersion, correlationId: correlationId, allocator: allocator)
        }
        guard let served = ServedApis.advertised[apiKey], served.contains(version) else {
            logger.warning("unsupported \(apiKey.name) version \(version) from \(clientHost)")
            if apiKey == .apiVersions {
                return apiVersionsFallback(correlationId: correlationId, allocator: allocator)
            }
            return ResponseFrame.bareError(.unsupportedVersion, correlationId: correlationId, allocator: allocator)
        }
        do {
            let header = try RequestHeader(from: &frame, version: apiKey.requestHeaderVersion(for: version))
            let context = RequestContext(
                apiKey: apiKey, apiVersion: version, correlationId: correlationId,
                clientId: header.clientId, clientHost: clientHost
            )
            return try await dispatch(&frame, context: context, allocator: allocator)
        } catch let error as KafkaDecodingError {
            logger.warning("malformed \(apiKey.name) v\(version) request from \(clientHost): \(error.message)")
            return ResponseFrame.bareError(.invalidRequest, correlationId: correlationId, allocator: allocator)
        }
    }

    private func dispatch(_ body: inout ByteBuffer, context: RequestContext, allocator: ByteBufferAllocator) async throws -> ByteBuffer? {
        func answer<Response: KafkaResponseMessage>(_ response: Response, capacity: Int = 256) -> ByteBuffer {
            ResponseFrame.encode(response, for: context, allocator: allocator, capacity: capacity)
        }
        let version = context.apiVersion
        switch context.apiKey {
        case .apiVersions:
            return answer(apiVersions(try ApiVersionsRequest(from: &body, version: version), context))
        case .metadata:
            return answer(metadata(try MetadataRequest(from: &body, version: version), context))
        case .produce:
            let request = try ProduceRequest(from: &body, version: version)
            let response = await produce(request, context)
            return request.acks == 0 ? nil : answer(response)
        case .fetch:
            let response = await fetch(try FetchRequest(from: &body, version: version), context)
            return answer(response, capacity: response.encodedSizeEstimate)
        case .listOffsets:
            return answer(listOffsets(try ListOffsetsRequest(from: &body, version: version), context))
        case .findCoordinator:
            return answer(findCoordinator(try FindCoordinatorRequest(from: &body, version: version), context))
        case .joinGroup:
            return answer(await joinGroup(try JoinGroupRequest(from: &body, version: version), context))
        case .syncGroup:
            return answer(await syncGroup(try SyncGroupRequest(from: &body, version: version), context))
        case .heartbeat:
            return answer(await heartbeat(try HeartbeatRequest(from: &body, version: version), context))
        case .leaveGroup:
            return answer(await leaveGroup(try LeaveGroupRequest(from: &body, version: version), context))
        case .describeGroups:
            return answer(await describeGroups(try DescribeGroupsRequest(from: &body, version: version), context))
        case .listGroups:
            return answer(await listGroups(try ListGroupsRequest(from: &body, version: version), context))
        case .offsetCommit:
            return answer(await offsetCommit(try OffsetCommitRequest(from: &body, version: version), context))
        case .offsetFetch:
            return answer(offsetFetch(try OffsetFetchRequest(from: &body, version: version), context))
        case .createTopics:
            return answer(createTopics(try CreateTopicsRequest(from: &body, version: version), context))
        case .deleteTopics:
            return answer(await deleteTopics(try DeleteTopicsRequest(from: &body, version: version), context))
        case .initProducerId:
            return answer(initProducerId(try InitProducerIdRequest(from: &body, version: version), context))
        case .describeConfigs:
            return answer(describeConfigs(try DescribeConfigsRequest(from: &body, version: version), context))
        }
    }

    /// KIP-511: a client that sends an ApiVersions version we do not know gets a v0-layout
    /// response with UNSUPPORTED_VERSION and our key list, and retries with a version from it.
    private func apiVersionsFallback(correlationId: Int32, allocator: ByteBufferAllocator) -> ByteBuffer {
        let response = ApiVersionsResponse(errorCode: KafkaErrorCode.unsupportedVersion.rawValue, apiKeys: ServedApis.apiVersionEntries)
        let context = RequestContext(apiKey: .apiVersions, apiVersion: 0, correlationId: correlationId, clientId: nil, clientHost: "")
        return ResponseFrame.encode(response, for: context, allocator: allocator)
    }
}

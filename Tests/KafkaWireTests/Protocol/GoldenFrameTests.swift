import Foundation
import KafkaWire
import NIOCore
import Testing

/// A request or response frame captured from a real client talking to a real broker
/// (Tools/kafka-codegen/capture_frames.py), without its 4-byte size prefix.
struct GoldenFrame: Sendable, CustomTestStringConvertible {
    enum Direction: String, Sendable {
        case request, response
    }

    let name: String
    let direction: Direction
    /// From the file name; a request's header says the same.
    let apiName: String
    let version: Int16
    let bytes: ByteBuffer

    var testDescription: String { name }

    /// Tests/KafkaWireTests/Fixtures/frames, found from this file's path so no bundle is needed.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/frames")

    /// Every fixture, parsed from "<client>-<Api>-v<version>-<request|response>.hex".
    static let all: [GoldenFrame] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".hex") }.sorted().compactMap { name in
            let parts = name.dropLast(4).split(separator: "-")
            guard parts.count >= 4,
                let direction = Direction(rawValue: String(parts[parts.count - 1])),
                parts[parts.count - 2].hasPrefix("v"),
                let version = Int16(parts[parts.count - 2].dropFirst()),
                let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            else { return nil }
            let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined()
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex),
                let byte = UInt8(hex[index..<next], radix: 16)
            {
                bytes.append(byte)
                index = next
            }
            return GoldenFrame(
                name: name,
                direction: direction,
                apiName: String(parts[parts.count - 3]),
                version: version,
                bytes: ByteBuffer(bytes: bytes)
            )
        }
    }()
}

/// The body codecs of an API, as existentials so one test can walk every captured frame.
private func bodyTypes(
    _ api: ApiKey
) -> (request: any KafkaRequestMessage.Type, response: any KafkaResponseMessage.Type) {
    switch api {
    case .produce: (ProduceRequest.self, ProduceResponse.self)
    case .fetch: (FetchRequest.self, FetchResponse.self)
    case .listOffsets: (ListOffsetsRequest.self, ListOffsetsResponse.self)
    case .metadata: (MetadataRequest.self, MetadataResponse.self)
    case .offsetCommit: (OffsetCommitRequest.self, OffsetCommitResponse.self)
    case .offsetFetch: (OffsetFetchRequest.self, OffsetFetchResponse.self)
    case .findCoordinator: (FindCoordinatorRequest.self, FindCoordinatorResponse.self)
    case .joinGroup: (JoinGroupRequest.self, JoinGroupResponse.self)
    case .heartbeat: (HeartbeatRequest.self, HeartbeatResponse.self)
    case .leaveGroup: (LeaveGroupRequest.self, LeaveGroupResponse.self)
    case .syncGroup: (SyncGroupRequest.self, SyncGroupResponse.self)
    case .describeGroups: (DescribeGroupsRequest.self, DescribeGroupsResponse.self)
    case .listGroups: (ListGroupsRequest.self, ListGroupsResponse.self)
    case .apiVersions: (ApiVersionsRequest.self, ApiVersionsResponse.self)
    case .createTopics: (CreateTopicsRequest.self, CreateTopicsResponse.self)
    case .deleteTopics: (DeleteTopicsRequest.self, DeleteTopicsResponse.self)
    case .initProducerId: (InitProducerIdRequest.self, InitProducerIdResponse.self)
    case .describeConfigs: (DescribeConfigsRequest.self, DescribeConfigsResponse.self)
    case .deleteRecords: (DeleteRecordsRequest.self, DeleteRecordsResponse.self)
    case .describeAcls: (DescribeAclsRequest.self, DescribeAclsResponse.self)
    case .createAcls: (CreateAclsRequest.self, CreateAclsResponse.self)
    case .deleteAcls: (DeleteAclsRequest.self, DeleteAclsResponse.self)
    case .alterConfigs: (AlterConfigsRequest.self, AlterConfigsResponse.self)
    case .describeLogDirs: (DescribeLogDirsRequest.self, DescribeLogDirsResponse.self)
    case .createPartitions: (CreatePartitionsRequest.self, CreatePartitionsResponse.self)
    case .deleteGroups: (DeleteGroupsRequest.self, DeleteGroupsResponse.self)
    case .electLeaders: (ElectLeadersRequest.self, ElectLeadersResponse.self)
    case .incrementalAlterConfigs: (IncrementalAlterConfigsRequest.self, IncrementalAlterConfigsResponse.self)
    case .offsetDelete: (OffsetDeleteRequest.self, OffsetDeleteResponse.self)
    case .describeProducers: (DescribeProducersRequest.self, DescribeProducersResponse.self)
    case .describeCluster: (DescribeClusterRequest.self, DescribeClusterResponse.self)
    case .addPartitionsToTxn: (AddPartitionsToTxnRequest.self, AddPartitionsToTxnResponse.self)
    case .addOffsetsToTxn: (AddOffsetsToTxnRequest.self, AddOffsetsToTxnResponse.self)
    case .endTxn: (EndTxnRequest.self, EndTxnResponse.self)
    case .txnOffsetCommit: (TxnOffsetCommitRequest.self, TxnOffsetCommitResponse.self)
    case .writeTxnMarkers: (WriteTxnMarkersRequest.self, WriteTxnMarkersResponse.self)
    case .describeTransactions: (DescribeTransactionsRequest.self, DescribeTransactionsResponse.self)
    case .listTransactions: (ListTransactionsRequest.self, ListTransactionsResponse.self)
    case .saslHandshake: (SaslHandshakeRequest.self, SaslHandshakeResponse.self)
    case .saslAuthenticate: (SaslAuthenticateRequest.self, SaslAuthenticateResponse.self)
    case .describeUserScramCredentials:
        (DescribeUserScramCredentialsRequest.self, DescribeUserScramCredentialsResponse.self)
    case .alterUserScramCredentials: (AlterUserScramCredentialsRequest.self, AlterUserScramCredentialsResponse.self)
    case .updateFeatures: (UpdateFeaturesRequest.self, UpdateFeaturesResponse.self)
    }
}

/// Response APIs in which Tansu, the broker the fixtures were captured from, sends tagged
/// fields even when they hold their default value (an empty NodeEndpoints, a zero
/// TopicConfigErrorCode, FinalizedFeaturesEpoch -1). That is legal, but like Kafka's own
/// encoder we leave defaults out, so those frames re-encode shorter; for them the test checks
/// that the shorter encoding decodes to the same value instead of comparing bytes.
private let responsesWithDefaultTaggedFields: Set<String> = ["ApiVersions", "CreateTopics", "Fetch"]

@Suite struct GoldenFrameTests {
    /// The APIs whose frames were captured (the first ones the broker served); the admin APIs
    /// added later are checked by the generated round-trip samples only.
    static let capturedAPIs: Set<String> = [
        "Produce", "Fetch", "ListOffsets", "Metadata", "OffsetCommit", "OffsetFetch", "FindCoordinator",
        "JoinGroup", "Heartbeat", "LeaveGroup", "SyncGroup", "DescribeGroups", "ListGroups", "ApiVersions",
        "CreateTopics", "DeleteTopics", "InitProducerId", "DescribeConfigs",
    ]

    @Test func fixturesArePresent() {
        // librdkafka and kafka-python, requests and responses, for the captured APIs.
        #expect(GoldenFrame.all.count >= 60)
        #expect(Set(GoldenFrame.all.map(\.apiName)) == Self.capturedAPIs)
    }

    @Test(arguments: GoldenFrame.all)
    func decodesAndReencodesByteForByte(_ frame: GoldenFrame) throws {
        var buffer = frame.bytes
        let api = try #require(ApiKey.allCases.first { $0.name == frame.apiName })
        var reencoded = ByteBuffer()
        switch frame.direction {
        case .request:
            let headerVersion = api.requestHeaderVersion(for: frame.version)
            let header = try RequestHeader(from: &buffer, version: headerVersion)
            #expect(header.requestApiKey == api.rawValue)
            #expect(header.requestApiVersion == frame.version)
            let body = try bodyTypes(api).request.init(from: &buffer, version: frame.version)
            header.write(to: &reencoded, version: headerVersion)
            body.write(to: &reencoded, version: frame.version)
        case .response:
            let headerVersion = api.responseHeaderVersion(for: frame.version)
            let header = try ResponseHeader(from: &buffer, version: headerVersion)
            let type = bodyTypes(api).response
            let body = try type.init(from: &buffer, version: frame.version)
            header.write(to: &reencoded, version: headerVersion)
            body.write(to: &reencoded, version: frame.version)
            #expect(buffer.readableBytes == 0, "\(buffer.readableBytes) bytes left undecoded")
            if responsesWithDefaultTaggedFields.contains(frame.apiName) {
                var again = reencoded
                _ = try ResponseHeader(from: &again, version: headerVersion)
                let redecoded = try type.init(from: &again, version: frame.version)
                #expect(isEqual(redecoded, body))
                #expect(again.readableBytes == 0)
                #expect(reencoded.readableBytes <= frame.bytes.readableBytes)
                return
            }
        }
        #expect(buffer.readableBytes == 0, "\(buffer.readableBytes) bytes left undecoded")
        #expect(Array(reencoded.readableBytesView) == Array(frame.bytes.readableBytesView))
    }
}

/// Compares two decoded bodies of the same, statically unknown, message type.
private func isEqual(_ lhs: any KafkaResponseMessage, _ rhs: any KafkaResponseMessage) -> Bool {
    guard let lhs = lhs as? any Equatable else { return false }
    func compare<Value: Equatable>(_ lhs: Value) -> Bool { (rhs as? Value) == lhs }
    return compare(lhs)
}

import KafkaWire
import NIOCore
import Testing

/// Byte-level checks written out by hand from the protocol guide, so the codecs are not only
/// consistent with themselves.
@Suite struct FlexibleEncodingTests {
    private func bytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
        var buffer = ByteBuffer()
        write(&buffer)
        return Array(buffer.readableBytesView)
    }

    private let metadataRequest = MetadataRequest(
        topics: [.init(name: "orders")],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: true
    )

    @Test func metadataV8UsesClassicEncodings() {
        let encoded = bytes { metadataRequest.write(to: &$0, version: 8) }
        #expect(
            encoded == [
                0, 0, 0, 1,  // INT32 array count
                0, 6, 0x6F, 0x72, 0x64, 0x65, 0x72, 0x73,  // INT16 length + "orders"
                0,  // allow_auto_topic_creation
                0,  // include_cluster_authorized_operations
                1,  // include_topic_authorized_operations
            ]
        )
    }

    @Test func metadataV9UsesCompactEncodingsAndTaggedFields() throws {
        let encoded = bytes { metadataRequest.write(to: &$0, version: 9) }
        #expect(
            encoded == [
                2,  // compact array: count + 1
                7, 0x6F, 0x72, 0x64, 0x65, 0x72, 0x73,  // compact string: length + 1, "orders"
                0,  // the topic's tagged fields: none
                0, 0, 1,
                0,  // the request's tagged fields: none
            ]
        )
        var buffer = ByteBuffer(bytes: encoded)
        #expect(try MetadataRequest(from: &buffer, version: 9) == metadataRequest)
    }

    @Test func metadataV10NullTopicName() throws {
        // From v10 a topic may be named by id only; its name is then a compact null (0).
        let request = MetadataRequest(topics: [.init(topicId: KafkaUUID(high: 1, low: 2), name: nil)])
        let encoded = bytes { request.write(to: &$0, version: 10) }
        #expect(encoded == [2] + [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2] + [0, 0] + [1, 0, 0, 0])
        var buffer = ByteBuffer(bytes: encoded)
        #expect(try MetadataRequest(from: &buffer, version: 10) == request)
    }

    @Test func nullTopicsMeansAllTopicsFromV1AndEmptyInV0() {
        // v0 has no null array: an empty list asked for all topics there.
        let all = MetadataRequest(topics: nil)
        #expect(bytes { all.write(to: &$0, version: 1) } == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(bytes { all.write(to: &$0, version: 0) } == [0, 0, 0, 0])
        #expect(bytes { all.write(to: &$0, version: 9) }.prefix(1) == [0])
    }

    @Test func requestHeaderV2KeepsAClassicClientId() throws {
        let header = RequestHeader(requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: "cli")
        let encoded = bytes { header.write(to: &$0, version: 2) }
        #expect(encoded == [0, 3, 0, 12, 0, 0, 0, 7, 0, 3, 0x63, 0x6C, 0x69, 0])
        var buffer = ByteBuffer(bytes: encoded)
        #expect(try RequestHeader(from: &buffer, version: 2) == header)
        #expect(bytes { header.write(to: &$0, version: 1) } == Array(encoded.dropLast()))
    }

    @Test func responseHeaderV1EndsWithTaggedFields() {
        let header = ResponseHeader(correlationId: 258)
        #expect(bytes { header.write(to: &$0, version: 0) } == [0, 0, 1, 2])
        #expect(bytes { header.write(to: &$0, version: 1) } == [0, 0, 1, 2, 0])
    }
}

@Suite struct TaggedFieldTests {
    @Test func taggedFieldsAreWrittenInTagOrderAndOnlyWhenNotDefault() {
        var response = ApiVersionsResponse(errorCode: 0, apiKeys: [], throttleTimeMs: 0)
        response.zkMigrationReady = true  // tag 3
        response.finalizedFeaturesEpoch = 5  // tag 1
        var buffer = ByteBuffer()
        response.write(to: &buffer, version: 3)
        #expect(
            Array(buffer.readableBytesView) == [
                0, 0,  // error code
                1,  // api keys: empty compact array
                0, 0, 0, 0,  // throttle time
                2,  // two tagged fields; supported/finalized features are empty, so left out
                1, 8, 0, 0, 0, 0, 0, 0, 0, 5,  // tag 1, 8 bytes: finalized_features_epoch
                3, 1, 1,  // tag 3, 1 byte: zk_migration_ready
            ]
        )
    }

    @Test func unknownTagsAreSkipped() throws {
        let bytes: [UInt8] = [
            4, 0x6A, 0x61, 0x76,  // client_software_name "jav"
            2, 0x34,  // client_software_version "4"
            2,  // two tagged fields
            7, 3, 0xAA, 0xBB, 0xCC,  // tag 7, 3 bytes nobody knows
            9, 0,  // tag 9, empty
        ]
        var buffer = ByteBuffer(bytes: bytes)
        let request = try ApiVersionsRequest(from: &buffer, version: 3)
        #expect(request == ApiVersionsRequest(clientSoftwareName: "jav", clientSoftwareVersion: "4"))
        #expect(buffer.readableBytes == 0)
    }

    @Test func knownTaggedStructIsRead() throws {
        var partition = FetchResponse.PartitionData(partitionIndex: 1)
        partition.currentLeader = .init(leaderId: 2, leaderEpoch: 3)
        var buffer = ByteBuffer()
        partition.write(to: &buffer, version: 12)
        // The tagged section closes the partition: one field, tag 1, 9 bytes
        // (two INT32 and the nested struct's own empty tagged section).
        let tail = Array(buffer.readableBytesView.suffix(12))
        #expect(tail == [1, 1, 9, 0, 0, 0, 2, 0, 0, 0, 3, 0])
        #expect(try FetchResponse.PartitionData(from: &buffer, version: 12) == partition)
    }

    @Test func taggedFieldSizeBeyondTheInputThrows() {
        // Empty name and version, then one tagged field (tag 5) claiming 9 bytes with 1 left.
        var buffer = ByteBuffer(bytes: [1, 1, 1, 5, 9, 0xAA])
        #expect(throws: KafkaDecodingError.self) { try ApiVersionsRequest(from: &buffer, version: 3) }
    }
}

@Suite struct ApiKeyTests {
    @Test func namesAndVersions() {
        #expect(ApiKey.produce.name == "Produce")
        #expect(ApiKey.metadata.rawValue == 3)
        #expect(ApiKey.metadata.codecVersions == 0...12)
        #expect(ApiKey.describeConfigs.rawValue == 32)
        #expect(ApiKey.endTxn.name == "EndTxn")
        #expect(ApiKey.listTransactions.rawValue == 66)
        #expect(ApiKey.updateFeatures.rawValue == 57)
        #expect(ApiKey.allCases.count == 43)
    }

    @Test func headerVersions() {
        #expect(ApiKey.produce.requestHeaderVersion(for: 8) == 1)
        #expect(ApiKey.produce.requestHeaderVersion(for: 9) == 2)
        #expect(ApiKey.metadata.responseHeaderVersion(for: 8) == 0)
        #expect(ApiKey.metadata.responseHeaderVersion(for: 9) == 1)
        #expect(ApiKey.apiVersions.requestHeaderVersion(for: 3) == 2)
        #expect(ApiKey.apiVersions.responseHeaderVersion(for: 3) == 0)
        #expect(ApiKey.heartbeat.isFlexible(version: 4))
        #expect(!ApiKey.heartbeat.isFlexible(version: 3))
    }

    @Test func errorCodes() {
        #expect(KafkaErrorCode.none.rawValue == 0)
        #expect(KafkaErrorCode.unknownServerError.rawValue == -1)
        #expect(KafkaErrorCode.unsupportedVersion.rawValue == 35)
        #expect(KafkaErrorCode.unsupportedVersion.name == "UNSUPPORTED_VERSION")
        #expect(KafkaErrorCode.unsupportedVersion.description == "UNSUPPORTED_VERSION (35)")
        #expect(KafkaErrorCode.memberIdRequired.rawValue == 79)
        #expect(KafkaErrorCode(rawValue: 32000).description == "UNKNOWN (32000)")
    }
}

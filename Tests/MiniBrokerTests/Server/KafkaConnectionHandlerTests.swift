import KafkaWire
import NIOCore
import NIOEmbedded
import Testing

@testable import MiniBroker

@Suite("Kafka connection handler: frames in, responses out, in memory and as over a socket")
struct KafkaConnectionHandlerTests {
    private static let apiVersions = ApiVersionsRequest(clientSoftwareName: "handler-test", clientSoftwareVersion: "1")

    /// Runs `body` with a served broker and a connection to it, then tears both down.
    /// `connectionsMaxIdleMs` overrides the broker's idle limit.
    private func withConnection(
        connectionsMaxIdleMs: Int64? = nil,
        _ body: (EmbeddedKafkaConnection) async throws -> Void
    ) async throws {
        let broker = try ServedBroker { configuration in
            if let connectionsMaxIdleMs {
                configuration.connectionsMaxIdleMs = connectionsMaxIdleMs
            }
        }
        defer { broker.remove() }
        let connection = try await EmbeddedKafkaConnection(broker)
        do {
            try await body(connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    @Test func apiVersionsIsAnsweredWithTheServedRanges() async throws {
        try await withConnection { connection in
            try await connection.send(WireFrame.request(Self.apiVersions, version: 3, correlationId: 5))
            let transcript = try await connection.transcript(until: 5)
            let frame = try #require(transcript.response(to: 5))
            let response = try WireFrame.decode(frame, as: ApiVersionsResponse.self, apiKey: .apiVersions, version: 3)
            #expect(response.errorCode == 0)
            let produce = try #require(response.apiKeys.first { $0.apiKey == ApiKey.produce.rawValue })
            #expect(ServedApis.advertised[.produce] == produce.minVersion...produce.maxVersion)
            #expect(transcript.closed == false)
        }
    }

    @Test func eachConnectionCountsItsRequestsByAPIAndItsBytes() async throws {
        let broker = try ServedBroker()
        defer { broker.remove() }
        let connection = try await EmbeddedKafkaConnection(broker)
        let metadata = MetadataRequest(topics: [], allowAutoTopicCreation: false)
        let requests =
            WireFrame.request(Self.apiVersions, version: 3, correlationId: 1)
            + WireFrame.request(metadata, version: 12, correlationId: 2)
            + WireFrame.request(metadata, version: 12, correlationId: 3)
        try await connection.send(requests)
        let transcript = try await connection.transcript(until: 3)
        let listed = try #require(broker.handler.connections.snapshot().first)
        #expect(listed.traffic.requests == [ApiKey.apiVersions.rawValue: 1, ApiKey.metadata.rawValue: 2])
        #expect(listed.traffic.bytesIn == Int64(requests.count))
        let answered = [1, 2, 3].compactMap { transcript.response(to: Int32($0)) }.reduce(0) { $0 + $1.count + 4 }
        #expect(listed.traffic.bytesOut == Int64(answered))
        #expect(listed.traffic.lastRequestAtMillis != nil)
        await connection.close()
        #expect(broker.handler.connections.snapshot().isEmpty)
    }

    @Test func errorsAreCountedByAPIWithTheLastOneKept() async throws {
        let broker = try ServedBroker()
        defer { broker.remove() }
        let connection = try await EmbeddedKafkaConnection(broker)
        let delete = DeleteTopicsRequest(topicNames: ["nope"], timeoutMs: 1000)
        try await connection.send(
            WireFrame.request(delete, version: 4, correlationId: 1)
                + WireFrame.raw(apiKey: 999, version: 0, correlationId: 2, body: [])
        )
        _ = try await connection.transcript(until: 2)
        let traffic = try #require(broker.handler.connections.snapshot().first).traffic
        #expect(
            traffic.errors == [
                .init(apiKey: ApiKey.deleteTopics.rawValue, code: KafkaErrorCode.unknownTopicOrPartition.rawValue): 1,
                .init(apiKey: 999, code: KafkaErrorCode.unsupportedVersion.rawValue): 1,
            ]
        )
        #expect(traffic.lastError?.apiKey == 999)
        #expect(traffic.lastError?.code == KafkaErrorCode.unsupportedVersion.rawValue)
        await connection.close()
        // A closed connection is remembered a while, with its counts.
        #expect(broker.handler.connections.recentlyClosed().first?.traffic.errors.count == 2)
    }

    @Test func aWatchedConnectionKeepsItsRequestsDecodedWithTheirAnswers() async throws {
        let broker = try ServedBroker()
        defer { broker.remove() }
        let connection = try await EmbeddedKafkaConnection(broker)
        let metadata = MetadataRequest(topics: [], allowAutoTopicCreation: false)
        try await connection.send(WireFrame.request(metadata, version: 12, correlationId: 1))
        _ = try await connection.transcript(until: 1)
        let id = try #require(broker.handler.connections.snapshot().first).id
        let tap = try #require(broker.handler.connections.traffic(of: id)).tap
        // Nobody watched: nothing was kept.
        #expect(tap.view(after: 0).entries.isEmpty)

        tap.watch(untilMillis: PartitionLog.currentTimeMilliseconds() + 60_000)
        let delete = WireFrame.request(
            DeleteTopicsRequest(topicNames: ["nope"], timeoutMs: 1000),
            version: 4,
            correlationId: 2
        )
        try await connection.send(delete + WireFrame.request(metadata, version: 12, correlationId: 3))
        _ = try await connection.transcript(until: 3)
        let kept = tap.view(after: 0).entries
        #expect(kept.map(\.apiKey) == [ApiKey.deleteTopics.rawValue, ApiKey.metadata.rawValue])
        #expect(kept[0].topics == "nope")
        #expect(kept[0].correlationID == 2)
        #expect(kept[0].requestBytes == delete.count)
        #expect(kept[0].raw == Array(delete.dropFirst(4)))
        #expect(kept[0].decoded.contains("topicNames: [\"nope\"]"))
        #expect(kept[0].finished)
        #expect(kept[0].latencyMicroseconds != nil)
        #expect(kept[0].errorCodes == [KafkaErrorCode.unknownTopicOrPartition.rawValue])
        #expect(kept[1].errorCodes.isEmpty)
        #expect(tap.view(after: kept[0].sequence).entries.map(\.sequence) == [kept[1].sequence])
        await connection.close()
    }

    @Test func aCreatedTopicIsInTheNextMetadataAnswer() async throws {
        try await withConnection { connection in
            let create = CreateTopicsRequest(
                topics: [.init(name: "handled", numPartitions: 2, replicationFactor: 1)],
                timeoutMs: 5000
            )
            let metadata = MetadataRequest(topics: [.init(name: "handled")], allowAutoTopicCreation: false)
            try await connection.send(
                WireFrame.request(create, version: 7, correlationId: 1)
                    + WireFrame.request(metadata, version: 12, correlationId: 2)
            )
            let transcript = try await connection.transcript(until: 2)
            let created = try WireFrame.decode(
                try #require(transcript.response(to: 1)),
                as: CreateTopicsResponse.self,
                apiKey: .createTopics,
                version: 7
            )
            #expect(created.topics.map(\.errorCode) == [0])
            let described = try WireFrame.decode(
                try #require(transcript.response(to: 2)),
                as: MetadataResponse.self,
                apiKey: .metadata,
                version: 12
            )
            let topic = try #require(described.topics.first)
            #expect(topic.name == "handled")
            #expect(topic.errorCode == 0)
            #expect(topic.partitions.map(\.partitionIndex).sorted() == [0, 1])
        }
    }

    /// Requests answered at once, later (groups, from a task) and never (acks 0) keep their
    /// order: Kafka clients rely on it.
    @Test func pipelinedRequestsAreAnsweredInTheOrderTheyCame() async throws {
        let frames = Self.pipelinedFrames
        try await withConnection { connection in
            try await connection.send(frames)
            let transcript = try await connection.transcript(until: 6)
            #expect(transcript.correlationIds == [1, 2, 3, 4, 6])
            #expect(transcript.closed == false)
        }
    }

    @Test func pipelinedRequestsAreAnsweredAlikeOverASocket() async throws {
        let broker = try ServedBroker()
        defer { broker.remove() }
        let steps = [ConnectionStep(bytes: Self.pipelinedFrames, awaitedCorrelationId: 6)]
        let embedded = try await EmbeddedKafkaConnection(broker)
        let inMemory = try await embedded.run(steps)
        await embedded.close()
        let server = try await SocketKafkaServer.start(broker)
        let overSocket: ConnectionTranscript
        do {
            overSocket = try await server.run(steps)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
        #expect(overSocket.correlationIds == [1, 2, 3, 4, 6])
        #expect(inMemory == overSocket)
    }

    @Test(arguments: ConnectionScenario.all)
    func aBadRequestGetsTheSameAnswerAsOverASocket(_ scenario: ConnectionScenario) async throws {
        let broker = try ServedBroker { $0.socketRequestMaxBytes = ConnectionScenario.maximumFrameSize }
        defer { broker.remove() }
        let embedded = try await EmbeddedKafkaConnection(broker)
        let inMemory = try await embedded.run(scenario.steps)
        await embedded.close()
        let server = try await SocketKafkaServer.start(broker)
        let overSocket: ConnectionTranscript
        do {
            overSocket = try await server.run(scenario.steps)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()

        #expect(inMemory == overSocket)
        #expect(inMemory.closed == scenario.closes)
        #expect(inMemory.response(to: ConnectionScenario.before) != nil)
        #expect((inMemory.response(to: ConnectionScenario.probe) != nil) == !scenario.closes)
        let answer = inMemory.response(to: ConnectionScenario.bad)
        #expect(answer.flatMap(Self.errorCode) == scenario.errorCode?.rawValue)
    }

    @Test func anIdleConnectionIsClosedAfterConnectionsMaxIdle() async throws {
        try await withConnection(connectionsMaxIdleMs: 1000) { connection in
            try await connection.send(WireFrame.request(Self.apiVersions, version: 3, correlationId: 1))
            #expect(try await connection.transcript(until: 1).response(to: 1) != nil)
            await connection.channel.testingEventLoop.advanceTime(by: .milliseconds(999))
            #expect(connection.channel.isActive)
            await connection.channel.testingEventLoop.advanceTime(by: .milliseconds(1))
            #expect(!connection.channel.isActive)
        }
    }

    /// ApiVersions (1), ListGroups (2, answered from a task), Metadata (3), DescribeGroups
    /// (4, from a task), Produce with acks 0 (5, no answer), ApiVersions (6), in one write.
    private static var pipelinedFrames: [UInt8] {
        WireFrame.request(apiVersions, version: 3, correlationId: 1)
            + WireFrame.request(ListGroupsRequest(), version: 4, correlationId: 2)
            + WireFrame.request(MetadataRequest(topics: []), version: 12, correlationId: 3)
            + WireFrame.request(DescribeGroupsRequest(groups: ["nobody"]), version: 5, correlationId: 4)
            + WireFrame.request(ProduceRequest(acks: 0, timeoutMs: 1000), version: 9, correlationId: 5)
            + WireFrame.request(apiVersions, version: 3, correlationId: 6)
    }

    /// The error code opening a response body (bare errors and ApiVersions v0 alike).
    private static func errorCode(_ response: [UInt8]) -> Int16? {
        ByteBuffer(bytes: response).getInteger(at: 4, as: Int16.self)
    }
}

import Logging
import NIOCore

// The sender: one task that takes due batches from the accumulator and sends one Produce
// request per broker, each on its own child task so that up to
// `maxInFlightRequestsPerBroker` requests per broker are pipelined.
extension KafkaProducer {
    func runSender() async {
        while true {
            let plan = state.withLock { $0.drain(now: .now) }
            if plan.finished { return }
            if plan.needsProducerID {
                await obtainProducerID()
                continue
            }
            for topic in plan.staleTopics { await refreshTopic(topic) }
            for (node, batches) in plan.requests {
                Task { await produce(batches, to: node) }
            }
            await signal.wait(until: plan.wakeAt, eventLoop: cluster.eventLoopGroup.any())
        }
    }

    private func refreshTopic(_ topic: String) async {
        do {
            try await loadTopic(topic, refresh: true)
        } catch {
            logger.warning("metadata refresh for topic \(topic) failed: \(error); retrying")
            try? await Task.sleep(for: configuration.retryBackoff.initial)
            state.withLock { _ = $0.staleTopics.insert(topic) }
        }
    }

    /// Sends one Produce request with `batches` (one per partition) to broker `node` and
    /// applies each partition's outcome.
    func produce(_ batches: [ProducerBatch], to node: Int32) async {
        var batches = batches
        var outcomes: [BatchOutcome]
        do {
            for index in batches.indices where batches[index].sealed == nil {
                try batches[index].seal(codec: configuration.compression, allocator: state.withLock { $0.allocator })
            }
            outcomes = try await exchange(batches, with: node)
        } catch {
            outcomes = Array(repeating: Self.outcome(forRequestError: error, node: node), count: batches.count)
        }
        let now = ContinuousClock.now
        let (reports, resume) = state.withLock { state in
            state.inFlightRequests[node, default: 1] -= 1
            var reports: [ProducerDeliveryReport] = []
            var resume: [CheckedContinuation<Void, Never>] = []
            for (batch, outcome) in zip(batches, outcomes) {
                let result = state.finish(batch, outcome: outcome, now: now)
                if let report = result.report { reports.append(report) }
                resume += result.resume
            }
            return (reports, resume)
        }
        for continuation in resume { continuation.resume() }
        report(reports)
        signal.fire()
    }

    private func report(_ reports: [ProducerDeliveryReport]) {
        for report in reports {
            if let error = report.error {
                logger.error("\(report.recordCount) records for \(report.topic)-\(report.partition) failed: \(error)")
            }
            configuration.deliveryReportHandler?(report)
        }
    }

    private func exchange(_ batches: [ProducerBatch], with node: Int32) async throws -> [BatchOutcome] {
        let connection = try await cluster.connection(toNode: node)
        // RecordBatch v2 needs Produce v3+; zstd needs v7+ (KIP-110). v9 is the highest this
        // client sends (v10+ only add fields it does not use).
        let minimum: Int16 = configuration.compression == .zstd ? 7 : 3
        let version = try connection.negotiatedVersion(for: .produce, minimum: minimum, cap: 9)
        let request = Self.makeRequest(batches, acks: configuration.acks, timeout: configuration.cluster.requestTimeout)
        do {
            if configuration.acks == .none {
                try await connection.sendWithoutResponse(request, version: version)
                return Array(repeating: .delivered(baseOffset: nil), count: batches.count)
            }
            let response = try await connection.send(request, version: version, expecting: ProduceResponse.self)
            return batches.map { outcome(for: $0, in: response, broker: connection.address) }
        } catch let error as KafkaClientError where error.code == .connectionClosed || error.code == .requestTimedOut {
            await cluster.drop(connection)
            throw error
        }
    }

    static func makeRequest(_ batches: [ProducerBatch], acks: ProducerAcks, timeout: Duration) -> ProduceRequest {
        var topics: [String: [ProduceRequest.PartitionProduceData]] = [:]
        for batch in batches {
            topics[batch.topic, default: []].append(.init(index: batch.partition, records: batch.sealed))
        }
        return ProduceRequest(
            transactionalId: nil,
            acks: acks.rawValue,
            timeoutMs: Int32(clamping: timeout.milliseconds),
            topicData: topics.map { .init(name: $0.key, partitionData: $0.value) }
        )
    }

    /// Maps a partition's error code to what happens to its batch (Kafka's retriable and
    /// idempotence rules).
    private func outcome(for batch: ProducerBatch, in response: ProduceResponse, broker: BrokerAddress) -> BatchOutcome
    {
        let context = "producing \(batch.recordCount) records to \(batch.topic)-\(batch.partition) on broker \(broker)"
        guard
            let partition = response.responses.first(where: { $0.name == batch.topic })?
                .partitionResponses.first(where: { $0.index == batch.partition })
        else {
            return .retry(
                KafkaClientError(.protocolViolation, "\(context): the response has no result for the partition"),
                refreshMetadata: true,
                bumpEpoch: false
            )
        }
        let code = KafkaErrorCode(rawValue: partition.errorCode)
        let error = KafkaClientError.broker(code, context)
        switch code {
        case .none, .duplicateSequenceNumber:
            // DUPLICATE_SEQUENCE_NUMBER: the broker already has this batch (an earlier attempt
            // was written), which is success for the caller.
            return .delivered(baseOffset: partition.baseOffset)
        case .outOfOrderSequenceNumber, .unknownProducerId, .invalidProducerEpoch:
            guard configuration.idempotence else { return .failed(error) }
            return .retry(error, refreshMetadata: false, bumpEpoch: true)
        default:
            if code.isRetriable { return .retry(error, refreshMetadata: code.isStaleMetadata, bumpEpoch: false) }
            return .failed(error)
        }
    }

    private static func outcome(forRequestError error: any Error, node: Int32) -> BatchOutcome {
        guard let error = error as? KafkaClientError else {
            return .failed(KafkaClientError(.deliveryFailed, "could not build the batch: \(error)"))
        }
        switch error.code {
        case .unsupportedVersion, .invalidConfiguration, .protocolViolation:
            return .failed(error)
        default:
            return .retry(error, refreshMetadata: true, bumpEpoch: false)
        }
    }
}

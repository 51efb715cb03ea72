import NIOCore

// Fetch: one request per leader broker, sent concurrently; the responses are cut into whole
// batches (a response may end in a partial batch, which the next fetch asks for again).
extension KafkaConsumer {
    private struct LeaderFetch: Sendable {
        let node: Int32
        let request: FetchRequest
        let offsets: [KafkaTopicPartition: Int64]
    }

    func fetch() async throws -> [FetchedBatch] {
        var byLeader: [Int32: [KafkaTopicPartition: Int64]] = [:]
        for partition in assigned {
            guard let offset = positions[partition] else { continue }
            do {
                byLeader[try await leader(of: partition), default: [:]][partition] = offset
            } catch let error as KafkaClientError where error.code == .metadataUnavailable {
                logger.warning("no leader for \(partition) yet: \(error.message)")
                staleTopics.insert(partition.topic)
            }
        }
        guard !byLeader.isEmpty else {
            // Nothing to fetch: wait as a Fetch would, so a polling loop does not spin.
            try await Task.sleep(for: configuration.fetchMaxWait)
            return []
        }
        let fetches = byLeader.map { node, offsets in
            LeaderFetch(node: node, request: makeRequest(offsets), offsets: offsets)
        }
        let cluster = self.cluster
        let results = await withTaskGroup(of: (LeaderFetch, Result<FetchResponse, any Error>).self) { group in
            for fetch in fetches {
                group.addTask {
                    do {
                        let connection = try await cluster.connection(toNode: fetch.node)
                        do {
                            return (
                                fetch,
                                .success(
                                    try await connection.send(fetch.request, minimumVersion: 4, maximumVersion: 12)
                                )
                            )
                        } catch {
                            await cluster.drop(connection)
                            throw error
                        }
                    } catch {
                        return (fetch, .failure(error))
                    }
                }
            }
            var results: [(LeaderFetch, Result<FetchResponse, any Error>)] = []
            for await result in group { results.append(result) }
            return results
        }
        var batches: [FetchedBatch] = []
        for (fetch, result) in results {
            switch result {
            case .success(let response):
                try handle(response, of: fetch.offsets, into: &batches)
            case .failure(let error as KafkaClientError)
            where error.code == .connectionClosed || error.code == .requestTimedOut:
                // A lost connection: the next poll reconnects and asks again.
                logger.warning("fetch from broker \(fetch.node) failed: \(error.message)")
                staleTopics.formUnion(fetch.offsets.keys.map(\.topic))
            case .failure(let error):
                throw error
            }
        }
        return batches
    }

    private func makeRequest(_ offsets: [KafkaTopicPartition: Int64]) -> FetchRequest {
        FetchRequest.reading(
            offsets,
            maxWaitMs: Int32(clamping: configuration.fetchMaxWait.milliseconds),
            minBytes: configuration.fetchMinBytes,
            maxBytes: configuration.fetchMaxBytes,
            partitionMaxBytes: configuration.partitionMaxBytes
        )
    }

    private func handle(
        _ response: FetchResponse,
        of offsets: [KafkaTopicPartition: Int64],
        into batches: inout [FetchedBatch]
    ) throws {
        let topLevel = KafkaErrorCode(rawValue: response.errorCode)
        guard topLevel == .none else { throw KafkaClientError.broker(topLevel, "Fetch") }
        for topic in response.responses {
            for data in topic.partitions {
                let partition = KafkaTopicPartition(topic: topic.topic, partition: data.partitionIndex)
                // Skip answers for partitions sought or unassigned while the fetch was out.
                guard let requested = offsets[partition], positions[partition] == requested else { continue }
                let code = KafkaErrorCode(rawValue: data.errorCode)
                switch code {
                case .none:
                    highWatermarks[partition] = data.highWatermark
                    positions[partition] = try appendBatches(
                        data.records,
                        of: partition,
                        from: requested,
                        into: &batches
                    )
                case .offsetOutOfRange:
                    logger.warning(
                        """
                        offset \(requested) of \(partition) is out of range; resetting to \
                        \(configuration.autoOffsetReset)
                        """
                    )
                    positions[partition] = nil
                    pendingPositions[partition] = configuration.autoOffsetReset.position
                case _ where code.isStaleMetadata:
                    logger.info("fetch of \(partition) answered \(code.name); refreshing metadata")
                    staleTopics.insert(partition.topic)
                default:
                    throw KafkaClientError.broker(code, "Fetch of \(partition) at offset \(requested)")
                }
            }
        }
    }

    /// Cuts a partition's records into batches and returns the position after the last whole one.
    private func appendBatches(
        _ records: ByteBuffer?,
        of partition: KafkaTopicPartition,
        from offset: Int64,
        into batches: inout [FetchedBatch]
    ) throws -> Int64 {
        guard var bytes = records else { return offset }
        var position = offset
        while let header = RecordBatchHeader.peek(bytes), header.totalSize <= bytes.readableBytes {
            defer { bytes.moveReaderIndex(forwardBy: header.totalSize) }
            // Compacted or already-read batches may lie wholly before the position.
            guard header.lastOffset >= position else { continue }
            if header.isControl {
                position = header.lastOffset + 1
                continue
            }
            let batchBytes = bytes.getSlice(at: bytes.readerIndex, length: header.totalSize)!
            do {
                let frame = try RecordBatch.Frame(bytes)
                let section = try frame.decompressedRecords(limit: configuration.decompressionLimit)
                batches.append(
                    FetchedBatch(
                        topic: partition.topic,
                        partition: partition.partition,
                        header: frame.header,
                        recordBytes: section,
                        firstOffset: position,
                        batchBytes: batchBytes
                    )
                )
            } catch {
                guard configuration.deliversUnreadableBatches else {
                    throw KafkaClientError(
                        .protocolViolation,
                        "batch at offset \(header.baseOffset) of \(partition) is unreadable: \(error)"
                    )
                }
                logger.warning(
                    "batch at offset \(header.baseOffset) of \(partition) is unreadable, passed on as such: \(error)"
                )
                batches.append(
                    FetchedBatch(
                        topic: partition.topic,
                        partition: partition.partition,
                        header: header,
                        recordBytes: ByteBuffer(),
                        firstOffset: position,
                        batchBytes: batchBytes,
                        readError: error
                    )
                )
            }
            position = header.lastOffset + 1
        }
        return position
    }
}

import KafkaWire
import NIOCore

extension RequestHandler {
    /// Fetch v4-12 with long polling.
    ///
    /// Reads every requested partition; when fewer than `min_bytes` are found it waits for an
    /// append (or `max_wait_ms`) and reads again. Each partition returns whole batches starting
    /// with the one that contains the fetch offset, within the partition and response limits;
    /// like Kafka (KIP-74) the first partition with data returns at least one batch even when
    /// it is larger than the limits, so a consumer can never be stuck behind a big batch.
    /// Fetch sessions (KIP-227) are not kept: every response is full, with session id 0.
    func fetch(_ request: FetchRequest, _ context: RequestContext) async -> FetchResponse {
        let maxWait = UInt64(max(0, min(request.maxWaitMs, 60_000)))
        let deadline = ContinuousClock.now + .milliseconds(Int64(maxWait))
        while true {
            let version = appends.version
            let (response, bytes) = readFetch(request)
            if bytes >= Int(request.minBytes) || ContinuousClock.now >= deadline || Task.isCancelled {
                return response
            }
            let left = ContinuousClock.now.duration(to: deadline)
            let nanoseconds = UInt64(max(0, left.components.seconds)) * 1_000_000_000 + UInt64(max(0, left.components.attoseconds / 1_000_000_000))
            await appends.wait(after: version, timeoutNanoseconds: nanoseconds)
        }
    }

    /// The response when it needs no waiting: enough bytes already, or no wait allowed.
    /// Most fetches of a busy consumer end here, answered on the connection's event loop.
    func fetchWithoutWaiting(_ request: FetchRequest) -> FetchResponse? {
        let (response, bytes) = readFetch(request)
        return bytes >= Int(request.minBytes) || request.maxWaitMs <= 0 ? response : nil
    }

    private func readFetch(_ request: FetchRequest) -> (FetchResponse, Int) {
        var remaining = request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max)
        var total = 0
        var topicResponses: [FetchResponse.FetchableTopicResponse] = []
        for fetchTopic in request.topics {
            var partitions: [FetchResponse.PartitionData] = []
            for fetchPartition in fetchTopic.partitions {
                let data = readPartition(
                    topic: fetchTopic.topic, fetchPartition, limit: min(Int(max(fetchPartition.partitionMaxBytes, 0)), remaining),
                    mustReturnOneBatch: total == 0
                )
                let size = data.records?.readableBytes ?? 0
                total += size
                remaining = max(0, remaining - size)
                partitions.append(data)
            }
            topicResponses.append(FetchResponse.FetchableTopicResponse(topic: fetchTopic.topic, partitions: partitions))
        }
        return (FetchResponse(throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: topicResponses), total)
    }

    private func readPartition(
        topic: String, _ request: FetchRequest.FetchPartition, limit: Int, mustReturnOneBatch: Bool
    ) -> FetchResponse.PartitionData {
        func failure(_ code: KafkaErrorCode, highWatermark: Int64 = -1, logStart: Int64 = -1) -> FetchResponse.PartitionData {
            FetchResponse.PartitionData(
                partitionIndex: request.partition, errorCode: code.rawValue, highWatermark: highWatermark,
                lastStableOffset: highWatermark, logStartOffset: logStart, abortedTransactions: nil,
                preferredReadReplica: -1, records: ByteBuffer()
            )
        }
        guard let log = topics.log(topic: topic, partition: request.partition) else {
            return failure(.unknownTopicOrPartition)
        }
        let highWatermark = log.logEndOffset
        let logStart = log.logStartOffset
        do {
            var records = limit == 0 && !mustReturnOneBatch
                ? ByteBuffer() : try log.read(from: request.fetchOffset, maxBytes: max(limit, 1))
            // The log always returns its first batch whole; only the first partition with
            // data may exceed the limits with it.
            if !mustReturnOneBatch && records.readableBytes > limit { records = ByteBuffer() }
            return FetchResponse.PartitionData(
                partitionIndex: request.partition, errorCode: 0, highWatermark: highWatermark,
                lastStableOffset: highWatermark, logStartOffset: logStart, abortedTransactions: nil,
                preferredReadReplica: -1, records: records
            )
        } catch let error as StorageError where error.code == .offsetOutOfRange {
            logger.info("fetch \(topic)-\(request.partition) at \(request.fetchOffset): \(error.message)")
            return failure(.offsetOutOfRange, highWatermark: highWatermark, logStart: logStart)
        } catch {
            logger.error("reading \(topic)-\(request.partition) failed: \(error)")
            return failure(.kafkaStorageError, highWatermark: highWatermark, logStart: logStart)
        }
    }
}

extension FetchResponse {
    /// A little more than the encoded size: the records plus room for the fixed fields.
    var encodedSizeEstimate: Int {
        var size = 64
        for topic in responses {
            size += 64 + topic.topic.utf8.count
            for partition in topic.partitions {
                size += 64 + (partition.records?.readableBytes ?? 0)
            }
        }
        return size
    }
}

import KafkaWire
import NIOCore

extension RequestHandler {
    /// Fetch v4-12 with long polling.
    ///
    /// Reads every requested partition (`fetchWithoutWaiting`); when fewer than `min_bytes`
    /// are found, `fetch(_:waitingSince:)` waits for an append (or `max_wait_ms`) and reads
    /// again. Each partition returns whole batches starting with the one that contains the
    /// fetch offset, within the partition and response limits;
    /// like Kafka (KIP-74) the first partition with data returns at least one batch even when
    /// it is larger than the limits, so a consumer can never be stuck behind a big batch.
    /// Records are not read into memory: they are regions of the segment files, sent with
    /// sendfile. Fetch sessions (KIP-227) are not kept: every response is full, session id 0.
    func fetch(_ request: FetchRequest, waitingSince version: UInt64, denied: Set<String>) async -> FetchResult {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, min(request.maxWaitMs, 60_000))))
        var version = version
        while true {
            let left = ContinuousClock.now.duration(to: deadline).components
            let nanoseconds =
                UInt64(max(0, left.seconds)) * 1_000_000_000 + UInt64(max(0, left.attoseconds / 1_000_000_000))
            await appends.wait(after: version, timeoutNanoseconds: nanoseconds)
            version = appends.version
            let result = readFetch(request, denied: denied)
            if result.bytes >= Int(request.minBytes) || ContinuousClock.now >= deadline || Task.isCancelled {
                return result
            }
            result.discard()
        }
    }

    /// What a Fetch can answer at once: the result when there is enough data (or no wait is
    /// allowed), else the append version seen before reading, to wait from without missing
    /// an append. Most fetches of a busy consumer end here, on the connection's event loop.
    enum FetchAttempt {
        case ready(FetchResult)
        /// `denied`: the topics the principal may not read, decided once for every read.
        case wait(since: UInt64, denied: Set<String>)
    }

    func fetchWithoutWaiting(_ request: FetchRequest, _ context: RequestContext) -> FetchAttempt {
        let version = appends.version
        var denied = Set<String>()
        if authorizer != nil {
            for topic in request.topics where !authorized(.read, .topic, topic.topic, context) {
                denied.insert(topic.topic)
            }
        }
        let result = readFetch(request, denied: denied)
        if result.bytes >= Int(request.minBytes) || request.maxWaitMs <= 0 { return .ready(result) }
        result.discard()
        return .wait(since: version, denied: denied)
    }

    private func readFetch(_ request: FetchRequest, denied: Set<String>) -> FetchResult {
        var remaining = request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max)
        var result = FetchResult(
            response: FetchResponse(throttleTimeMs: 0, errorCode: KafkaErrorCode.none.rawValue, sessionId: 0)
        )
        for fetchTopic in request.topics {
            var partitions: [FetchResponse.PartitionData] = []
            var slices: [FileSlice] = []
            for fetchPartition in fetchTopic.partitions {
                let (data, slice) = readPartition(
                    topic: fetchTopic.topic,
                    fetchPartition,
                    readCommitted: request.isolationLevel == 1,
                    limit: min(Int(max(fetchPartition.partitionMaxBytes, 0)), remaining),
                    mustReturnOneBatch: result.bytes == 0,
                    denied: denied.contains(fetchTopic.topic)
                )
                result.bytes += slice.length
                remaining = max(0, remaining - slice.length)
                partitions.append(data)
                slices.append(slice)
            }
            result.response.responses.append(
                FetchResponse.FetchableTopicResponse(topic: fetchTopic.topic, partitions: partitions)
            )
            result.slices.append(slices)
        }
        return result
    }

    /// One partition's data. A read_committed fetch (isolation level 1) gets batches below
    /// the last stable offset only, with the aborted transactions among them, so the client
    /// can skip their records; read_uncommitted gets everything and a null list.
    private func readPartition(
        topic: String,
        _ request: FetchRequest.FetchPartition,
        readCommitted: Bool,
        limit: Int,
        mustReturnOneBatch: Bool,
        denied: Bool
    ) -> (FetchResponse.PartitionData, FileSlice) {
        var highWatermark: Int64 = -1
        var lastStable: Int64 = -1
        var logStart: Int64 = -1
        var aborted: [FetchResponse.AbortedTransaction]?
        func partition(_ code: KafkaErrorCode) -> FetchResponse.PartitionData {
            FetchResponse.PartitionData(
                partitionIndex: request.partition,
                errorCode: code.rawValue,
                highWatermark: highWatermark,
                lastStableOffset: lastStable,
                logStartOffset: logStart,
                abortedTransactions: aborted,
                preferredReadReplica: -1,
                records: nil
            )
        }
        if denied { return (partition(.topicAuthorizationFailed), .empty) }
        guard let log = topics.log(topic: topic, partition: request.partition) else {
            return (partition(.unknownTopicOrPartition), .empty)
        }
        highWatermark = log.logEndOffset
        lastStable = log.lastStableOffset
        logStart = log.logStartOffset
        do {
            guard limit > 0 || mustReturnOneBatch else { return (partition(.none), .empty) }
            var slice: FileSlice
            if readCommitted {
                (slice, lastStable) = try log.stableSlice(from: request.fetchOffset, maxBytes: max(limit, 1))
                aborted = log.abortedTransactions(from: request.fetchOffset, to: lastStable).map {
                    FetchResponse.AbortedTransaction(producerId: $0.producerID, firstOffset: $0.firstOffset)
                }
            } else {
                slice = try log.slice(from: request.fetchOffset, maxBytes: max(limit, 1))
            }
            // The log always returns its first batch whole; only the first partition with
            // data may exceed the limits with it.
            if !mustReturnOneBatch && slice.length > limit {
                slice.discard()
                slice = .empty
            }
            return (partition(.none), slice)
        } catch let error as StorageError where error.code == .offsetOutOfRange {
            logger.info("fetch \(topic)-\(request.partition) at \(request.fetchOffset): \(error.message)")
            return (partition(.offsetOutOfRange), .empty)
        } catch {
            logger.error("reading \(topic)-\(request.partition) failed: \(error)")
            return (partition(.kafkaStorageError), .empty)
        }
    }
}

import KafkaWire

extension RequestHandler {
    /// ListOffsets v1-7: earliest (-2), latest (-1), the batch with the largest timestamp
    /// (-3, v7), or the first offset whose timestamp is at or after the given one.
    /// Latest is the log end for read_uncommitted and the last stable offset for
    /// read_committed (isolation level 1, v2+): a read_committed consumer's end of partition.
    func listOffsets(_ request: ListOffsetsRequest, _ context: RequestContext) -> ListOffsetsResponse {
        let results = request.topics.map { topic in
            let mayDescribe = authorized(.describe, .topic, topic.name, context)
            return ListOffsetsResponse.ListOffsetsTopicResponse(
                name: topic.name,
                partitions: topic.partitions.map {
                    guard mayDescribe else {
                        return ListOffsetsResponse.ListOffsetsPartitionResponse(
                            partitionIndex: $0.partitionIndex,
                            errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                            timestamp: -1,
                            offset: -1,
                            leaderEpoch: -1
                        )
                    }
                    return listOffset(topic: topic.name, $0, readCommitted: request.isolationLevel == 1)
                }
            )
        }
        return ListOffsetsResponse(throttleTimeMs: 0, topics: results)
    }

    private enum SpecialTimestamp {
        static let latest: Int64 = -1
        static let earliest: Int64 = -2
        static let maxTimestamp: Int64 = -3
    }

    private func listOffset(
        topic: String,
        _ partition: ListOffsetsRequest.ListOffsetsPartition,
        readCommitted: Bool
    ) -> ListOffsetsResponse.ListOffsetsPartitionResponse {
        func answer(
            _ offset: Int64,
            _ timestamp: Int64,
            _ error: KafkaErrorCode = .none
        ) -> ListOffsetsResponse.ListOffsetsPartitionResponse {
            ListOffsetsResponse.ListOffsetsPartitionResponse(
                partitionIndex: partition.partitionIndex,
                errorCode: error.rawValue,
                timestamp: timestamp,
                offset: offset,
                leaderEpoch: error == .none ? 0 : -1
            )
        }
        guard let log = topics.log(topic: topic, partition: partition.partitionIndex) else {
            return answer(-1, -1, .unknownTopicOrPartition)
        }
        do {
            switch partition.timestamp {
            case SpecialTimestamp.latest:
                return answer(readCommitted ? log.lastStableOffset : log.logEndOffset, -1)
            case SpecialTimestamp.earliest:
                return answer(log.logStartOffset, -1)
            case SpecialTimestamp.maxTimestamp:
                guard let found = try recordWithMaxTimestamp(in: log) else { return answer(-1, -1) }
                return answer(found.offset, found.timestamp)
            case let timestamp where timestamp >= 0:
                guard let found = try firstRecord(in: log, atOrAfter: timestamp) else { return answer(-1, -1) }
                return answer(found.offset, found.timestamp)
            default:
                return answer(-1, -1, .invalidRequest)
            }
        } catch {
            logger.error("list offsets of \(topic)-\(partition.partitionIndex) failed: \(error)")
            return answer(-1, -1, .kafkaStorageError)
        }
    }

    /// The first record whose timestamp is at or after `timestamp`. The time index finds the
    /// first batch whose largest timestamp qualifies; its records are then read, so the answer
    /// is a record's offset, as in Kafka. Should a batch's records not qualify after all
    /// (timestamps out of order inside it), the following batches are read in turn.
    private func firstRecord(
        in log: PartitionLog,
        atOrAfter timestamp: Int64
    ) throws -> (offset: Int64, timestamp: Int64)? {
        guard let candidate = try log.offset(forTimestamp: timestamp) else { return nil }
        // Records below the log start (DeleteRecords) are not answered even when their batch is.
        let start = log.logStartOffset
        var offset = max(candidate.offset, start)
        while offset < log.logEndOffset {
            var batches = try log.read(from: offset, maxBytes: 1)
            guard batches.readableBytes > 0 else { return nil }
            let batch = try RecordBatch.decode(from: &batches)
            for record in batch.records
            where batch.header.baseTimestamp + record.timestampDelta >= timestamp
                && batch.header.baseOffset + Int64(record.offsetDelta) >= start
            {
                return (
                    batch.header.baseOffset + Int64(record.offsetDelta),
                    batch.header.baseTimestamp + record.timestampDelta
                )
            }
            offset = batch.header.lastOffset + 1
        }
        return nil
    }

    /// ListOffsets -3 (KIP-734): the record with the largest timestamp. Producers stamp with
    /// their clock, so it is looked for in the last batch, where it is unless clocks went back.
    private func recordWithMaxTimestamp(in log: PartitionLog) throws -> (offset: Int64, timestamp: Int64)? {
        guard log.logEndOffset > log.logStartOffset else { return nil }
        var batches = try log.read(from: log.logEndOffset - 1, maxBytes: 1)
        guard batches.readableBytes > 0 else { return nil }
        let batch = try RecordBatch.decode(from: &batches)
        guard let newest = batch.records.max(by: { $0.timestampDelta < $1.timestampDelta }) else { return nil }
        return (batch.header.baseOffset + Int64(newest.offsetDelta), batch.header.baseTimestamp + newest.timestampDelta)
    }
}

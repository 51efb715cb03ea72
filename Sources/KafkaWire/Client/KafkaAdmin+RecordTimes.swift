import NIOCore

/// When records were written, for how far behind a consumer group is in time.
extension KafkaAdmin {
    /// Bytes read per partition: enough for the batch holding the wanted offset in most topics
    /// (a larger first batch still comes whole, KIP-74), little enough to ask often.
    static let recordTimeFetchBytes: Int32 = 256 * 1024

    /// The timestamp (ms since the epoch) of the first record at or after each offset: the one a
    /// consumer at that position reads next. Partitions with no record there yet are left out.
    /// One small Fetch per leader; nothing is consumed or committed.
    public func firstRecordTimes(at offsets: [KafkaTopicPartition: Int64]) async throws -> [KafkaTopicPartition: Int64]
    {
        var times: [KafkaTopicPartition: Int64] = [:]
        for (node, partitions) in try await partitionsByLeader(Array(offsets.keys)) {
            let request = FetchRequest.reading(
                Dictionary(uniqueKeysWithValues: partitions.map { ($0, offsets[$0]!) }),
                maxWaitMs: 0,
                minBytes: 0,
                maxBytes: Self.recordTimeFetchBytes * Int32(clamping: partitions.count),
                partitionMaxBytes: Self.recordTimeFetchBytes
            )
            let connection = try await cluster.connection(toNode: node)
            let response: FetchResponse = try await connection.send(request, minimumVersion: 4, maximumVersion: 12)
            for topic in response.responses {
                for data in topic.partitions where KafkaErrorCode(rawValue: data.errorCode) == .none {
                    let partition = KafkaTopicPartition(topic: topic.topic, partition: data.partitionIndex)
                    guard let offset = offsets[partition] else { continue }
                    if let time = Self.firstRecordTime(in: data.records, from: offset) { times[partition] = time }
                }
            }
        }
        return times
    }

    /// The timestamp of the first data record at or after `offset` in fetched record bytes;
    /// nil when there is none or its batch cannot be read.
    static func firstRecordTime(in records: ByteBuffer?, from offset: Int64) -> Int64? {
        guard var bytes = records else { return nil }
        while let header = RecordBatchHeader.peek(bytes), header.totalSize <= bytes.readableBytes {
            defer { bytes.moveReaderIndex(forwardBy: header.totalSize) }
            guard header.lastOffset >= offset, !header.isControl else { continue }
            guard let frame = try? RecordBatch.Frame(bytes),
                let section = try? frame.decompressedRecords(limit: RecordBatch.defaultDecompressionLimit)
            else { return nil }
            let batch = FetchedBatch(
                topic: "",
                partition: 0,
                header: frame.header,
                recordBytes: section,
                firstOffset: offset
            )
            var found: Int64?
            try? batch.forEachRecord { record in
                if found == nil { found = record.timestamp }
            }
            if let found { return found }
        }
        return nil
    }
}

import NIOCore

/// The records of one partition that will travel in one RecordBatch v2.
///
/// While open, records are appended already encoded (Kafka's record layout with zig-zag
/// varints) to one growing buffer, so a record costs no allocation of its own. When the batch
/// is sent, `seal` compresses that buffer behind a 61-byte header and computes the CRC-32C.
/// Retries reuse the sealed bytes, sequence number included, so the broker can drop duplicates.
struct ProducerBatch: Sendable {
    let topic: String
    let partition: Int32
    /// Encoded records, uncompressed.
    private(set) var records: ByteBuffer
    private(set) var recordCount: Int32 = 0
    private(set) var baseTimestamp: Int64 = 0
    private(set) var maxTimestampDelta: Int64 = 0
    /// When the first record arrived, for `linger`.
    let createdAt: ContinuousClock.Instant

    /// The batch as sent: header + compressed records, CRC sealed.
    var sealed: ByteBuffer?
    var producerID: Int64 = -1
    var producerEpoch: Int16 = -1
    var baseSequence: Int32 = -1
    /// Send attempts so far.
    var attempts = 0
    /// Earliest time of the next attempt, after a retriable error.
    var retryAt: ContinuousClock.Instant?

    init(topic: String, partition: Int32, capacity: Int, allocator: ByteBufferAllocator, now: ContinuousClock.Instant) {
        self.topic = topic
        self.partition = partition
        self.records = allocator.buffer(capacity: capacity)
        self.createdAt = now
    }

    /// Encoded size of the records so far.
    var byteCount: Int { records.readableBytes }

    /// Bytes a record will take in the batch, length prefix included.
    static func encodedSize(
        timestampDelta: Int64,
        offsetDelta: Int32,
        keyCount: Int?,
        valueCount: Int?,
        headers: [RecordHeader]
    ) -> Int {
        let body = Record.bodySize(
            timestampDelta: timestampDelta,
            offsetDelta: offsetDelta,
            keyCount: keyCount,
            valueCount: valueCount,
            headers: headers
        )
        return Record.varintSize(Int64(body)) + body
    }

    /// Appends one record; returns the bytes it took.
    @discardableResult
    mutating func append(
        timestamp: Int64,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [RecordHeader]
    ) -> Int {
        if recordCount == 0 { baseTimestamp = timestamp }
        let timestampDelta = timestamp - baseTimestamp
        let written = Record.write(
            timestampDelta: timestampDelta,
            offsetDelta: recordCount,
            key: key,
            value: value,
            headers: headers,
            to: &records
        )
        maxTimestampDelta = max(maxTimestampDelta, timestampDelta)
        recordCount += 1
        return written
    }

    /// Builds the batch bytes: header, records compressed with `codec`, length and CRC-32C
    /// (https://kafka.apache.org/documentation/#recordbatch).
    mutating func seal(codec: CompressionCodec, allocator: ByteBufferAllocator) throws {
        let header = RecordBatchHeader(
            baseOffset: 0,
            partitionLeaderEpoch: -1,
            attributes: Int16(codec.rawValue),
            lastOffsetDelta: recordCount - 1,
            baseTimestamp: baseTimestamp,
            maxTimestamp: baseTimestamp + maxTimestampDelta,
            producerID: producerID,
            producerEpoch: producerEpoch,
            baseSequence: baseSequence,
            recordCount: recordCount
        )
        var out = allocator.buffer(capacity: RecordBatchHeader.size + codec.compressedSizeBound(records.readableBytes))
        header.write(to: &out)
        if codec == .none {
            out.writeImmutableBuffer(records)
        } else {
            try codec.compress(records, appendingTo: &out)
        }
        out.setInteger(Int32(out.readableBytes - RecordBatchHeader.lengthPrefixSize), at: 8, endianness: .big)
        RecordBatchHeader.sealCRC(in: &out, batchStart: 0, totalSize: out.readableBytes)
        sealed = out
    }

    /// Sets producer id, epoch and base sequence, in the sealed bytes too (re-sealing the CRC,
    /// which covers them), e.g. after the producer epoch was bumped.
    mutating func stamp(producerID: Int64, epoch: Int16, baseSequence: Int32) {
        self.producerID = producerID
        self.producerEpoch = epoch
        self.baseSequence = baseSequence
        guard var bytes = sealed else { return }
        sealed = nil
        bytes.setInteger(producerID, at: 43, endianness: .big)
        bytes.setInteger(epoch, at: 51, endianness: .big)
        bytes.setInteger(baseSequence, at: 53, endianness: .big)
        RecordBatchHeader.sealCRC(in: &bytes, batchStart: 0, totalSize: bytes.readableBytes)
        sealed = bytes
    }
}

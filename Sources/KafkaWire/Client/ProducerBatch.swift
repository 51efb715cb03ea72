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
    var producerId: Int64 = -1
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
        timestampDelta: Int64, offsetDelta: Int32, keyCount: Int?, valueCount: Int?, headers: [RecordHeader]
    ) -> Int {
        let body = bodySize(timestampDelta: timestampDelta, offsetDelta: offsetDelta, keyCount: keyCount, valueCount: valueCount, headers: headers)
        return Record.varintSize(Int64(body)) + body
    }

    /// Appends one record; returns the bytes it took.
    @discardableResult
    mutating func append(
        timestamp: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [RecordHeader]
    ) -> Int {
        if recordCount == 0 { baseTimestamp = timestamp }
        let timestampDelta = timestamp - baseTimestamp
        let body = Self.bodySize(
            timestampDelta: timestampDelta, offsetDelta: recordCount, keyCount: key?.count, valueCount: value?.count,
            headers: headers)
        let before = records.writerIndex
        records.writeVarint(Int32(body))
        records.writeInteger(Int8(0))
        records.writeVarlong(timestampDelta)
        records.writeVarint(recordCount)
        Self.writeNullable(key, to: &records)
        Self.writeNullable(value, to: &records)
        records.writeVarint(Int32(headers.count))
        for header in headers {
            records.writeVarint(Int32(header.key.utf8.count))
            records.writeString(header.key)
            if var headerValue = header.value {
                records.writeVarint(Int32(headerValue.readableBytes))
                records.writeBuffer(&headerValue)
            } else {
                records.writeVarint(-1)
            }
        }
        maxTimestampDelta = max(maxTimestampDelta, timestampDelta)
        recordCount += 1
        return records.writerIndex - before
    }

    /// Builds the batch bytes: header, records compressed with `codec`, length and CRC-32C
    /// (https://kafka.apache.org/documentation/#recordbatch).
    mutating func seal(codec: CompressionCodec, allocator: ByteBufferAllocator) throws {
        let header = RecordBatchHeader(
            baseOffset: 0, partitionLeaderEpoch: -1, attributes: Int16(codec.rawValue),
            lastOffsetDelta: recordCount - 1, baseTimestamp: baseTimestamp,
            maxTimestamp: baseTimestamp + maxTimestampDelta, producerId: producerId, producerEpoch: producerEpoch,
            baseSequence: baseSequence, recordCount: recordCount)
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
    mutating func stamp(producerId: Int64, epoch: Int16, baseSequence: Int32) {
        self.producerId = producerId
        self.producerEpoch = epoch
        self.baseSequence = baseSequence
        guard var bytes = sealed else { return }
        sealed = nil
        bytes.setInteger(producerId, at: 43, endianness: .big)
        bytes.setInteger(epoch, at: 51, endianness: .big)
        bytes.setInteger(baseSequence, at: 53, endianness: .big)
        RecordBatchHeader.sealCRC(in: &bytes, batchStart: 0, totalSize: bytes.readableBytes)
        sealed = bytes
    }

    // MARK: Record encoding

    private static func bodySize(
        timestampDelta: Int64, offsetDelta: Int32, keyCount: Int?, valueCount: Int?, headers: [RecordHeader]
    ) -> Int {
        var size = 1 + Record.varintSize(timestampDelta) + Record.varintSize(Int64(offsetDelta))
        size += nullableSize(keyCount) + nullableSize(valueCount) + Record.varintSize(Int64(headers.count))
        for header in headers {
            let keyLength = header.key.utf8.count
            size += Record.varintSize(Int64(keyLength)) + keyLength + nullableSize(header.value?.readableBytes)
        }
        return size
    }

    private static func nullableSize(_ count: Int?) -> Int {
        guard let count else { return 1 }
        return Record.varintSize(Int64(count)) + count
    }

    private static func writeNullable(_ bytes: UnsafeRawBufferPointer?, to buffer: inout ByteBuffer) {
        guard let bytes else {
            buffer.writeVarint(-1)
            return
        }
        buffer.writeVarint(Int32(bytes.count))
        buffer.writeBytes(bytes)
    }
}

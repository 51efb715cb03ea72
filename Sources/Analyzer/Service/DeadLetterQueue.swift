import Common
import KafkaWire
import NIOCore

/// Copies malformed records to the dead-letter topic (`orders.dlq`): key, value and headers
/// as they were, plus `aseed-reason` (the reason name) and `aseed-source`
/// (`topic/partition/offset`), so a teacher can show what was rejected and why.
///
/// A batch that cannot be read at all is copied as one record: its raw bytes as the value
/// (the batch as the broker stored it, header included, still compressed), `aseed-source`
/// naming its offset range (`topic/partition/first-last`) and `aseed-error` saying what is
/// wrong with it.
///
/// A value too large for the topic is cut to `maxValueBytes`, with `aseed-truncated` giving
/// its full size: the dead-letter topic takes at most `max.message.bytes` (1 MiB by
/// default), and a copy it refuses would fail every checkpoint after it. The original stays
/// in the source topic at the offset `aseed-source` names.
///
/// Records wait in `pending` until `flush`, which the analyzer calls before each checkpoint:
/// a checkpoint never covers a malformed record whose copy was not acknowledged.
struct DeadLetterQueue {
    struct Copy {
        var key: [UInt8]?
        var value: [UInt8]?
        var headers: [RecordHeader]
        var timestamp: Int64
    }

    /// Most value bytes a copy keeps.
    static let maxValueBytes = 256 * 1024

    let topic: String
    private(set) var pending: [Copy] = []

    init(topic: String) {
        self.topic = topic
    }

    /// Keeps a copy of `record` (valid only inside the consumer's closure, hence the copy).
    mutating func add(_ record: ConsumedRecord, reason: MalformedReason, source: String) {
        var headers = record.headers
        headers.append(RecordHeader(key: "aseed-reason", value: ByteBuffer(string: reason.rawValue)))
        headers.append(RecordHeader(key: "aseed-source", value: ByteBuffer(string: source)))
        let value = record.value.map { Self.capped($0, headers: &headers) }
        pending.append(
            Copy(
                key: record.key.map { Array($0.prefix(Self.maxValueBytes)) },
                value: value,
                headers: headers,
                timestamp: record.timestamp
            )
        )
    }

    /// Keeps a copy of a batch that cannot be read, from `firstOffset` (the records before it
    /// were read and counted) to its last offset.
    mutating func add(unreadable batch: FetchedBatch, from firstOffset: Int64, reason: MalformedReason, detail: String)
    {
        var headers = [
            RecordHeader(key: "aseed-reason", value: ByteBuffer(string: reason.rawValue)),
            RecordHeader(
                key: "aseed-source",
                value: ByteBuffer(string: "\(batch.topic)/\(batch.partition)/\(firstOffset)-\(batch.header.lastOffset)")
            ),
            RecordHeader(key: "aseed-error", value: ByteBuffer(string: String(detail.prefix(1000)))),
        ]
        let value = batch.batchBytes.withUnsafeReadableBytes { Self.capped($0, headers: &headers) }
        let timestamp = batch.header.maxTimestamp >= 0 ? batch.header.maxTimestamp : WallClock.nowMilliseconds()
        pending.append(Copy(key: nil, value: value, headers: headers, timestamp: timestamp))
    }

    /// The bytes, cut to `maxValueBytes` (saying so in a header) when longer.
    private static func capped(_ bytes: UnsafeRawBufferPointer, headers: inout [RecordHeader]) -> [UInt8] {
        guard bytes.count > maxValueBytes else { return Array(bytes) }
        headers.append(RecordHeader(key: "aseed-truncated", value: ByteBuffer(string: String(bytes.count))))
        return Array(bytes.prefix(maxValueBytes))
    }

    /// Sends the pending copies and waits until the broker acknowledged them all.
    mutating func flush(with producer: KafkaProducer) async throws {
        guard !pending.isEmpty else { return }
        for copy in pending {
            try await producer.send(
                topic: topic,
                key: copy.key,
                value: copy.value,
                headers: copy.headers,
                timestamp: copy.timestamp
            )
        }
        try await producer.flush()
        pending.removeAll()
    }
}

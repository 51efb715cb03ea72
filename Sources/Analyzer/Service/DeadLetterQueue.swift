import KafkaWire
import NIOCore

/// Copies malformed records to the dead-letter topic (`orders.dlq`): key, value and headers
/// as they were, plus `aseed-reason` (the reason name) and `aseed-source`
/// (`topic/partition/offset`), so a teacher can show what was rejected and why.
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
        pending.append(Copy(key: record.key.map { Array($0) }, value: record.value.map { Array($0) },
                            headers: headers, timestamp: record.timestamp))
    }

    /// Sends the pending copies and waits until the broker acknowledged them all.
    mutating func flush(with producer: KafkaProducer) async throws {
        guard !pending.isEmpty else { return }
        for copy in pending {
            try await producer.send(topic: topic, key: copy.key, value: copy.value, headers: copy.headers, timestamp: copy.timestamp)
        }
        try await producer.flush()
        pending.removeAll()
    }
}

import KafkaWire
import NIOCore

/// The end of a transaction in one partition, as Kafka writes it (`EndTransactionMarker`,
/// `ControlRecordType`): a control batch of the transaction's producer with one record. Its
/// key is int16 version 0, int16 type (0 ABORT, 1 COMMIT); its value int16 version 0, int32
/// coordinator epoch.
struct TransactionMarker: Equatable, Sendable {
    /// Whether the transaction's records count (commit) or are to be skipped (abort).
    enum Kind: Int16, Sendable {
        /// The transaction's records are to be skipped by read_committed consumers.
        case abort = 0
        /// The transaction's records count.
        case commit = 1
    }

    /// COMMIT or ABORT.
    var kind: Kind
    /// The epoch of the transaction coordinator that wrote the marker: a marker of an older
    /// coordinator (a zombie after a coordinator move) is refused.
    var coordinatorEpoch: Int32

    /// A marker of `kind` written by the coordinator at `coordinatorEpoch`.
    init(kind: Kind, coordinatorEpoch: Int32) {
        self.kind = kind
        self.coordinatorEpoch = coordinatorEpoch
    }

    /// Attributes of a marker batch: transactional (0x10) and control (0x20), no compression.
    static let attributes: Int16 = 0x10 | 0x20

    /// The control batch holding this marker, base offset 0 (the log assigns the real one),
    /// base sequence -1 as Kafka writes it: markers take no part in idempotence.
    func batch(producerID: Int64, producerEpoch: Int16, timestamp: Int64) throws -> ByteBuffer {
        var key = ByteBuffer()
        key.writeInteger(Int16(0))
        key.writeInteger(kind.rawValue)
        var value = ByteBuffer()
        value.writeInteger(Int16(0))
        value.writeInteger(coordinatorEpoch)
        let header = RecordBatchHeader(
            // This broker is the only leader there is, at epoch 0 (Metadata says so).
            partitionLeaderEpoch: 0,
            attributes: Self.attributes,
            baseTimestamp: timestamp,
            producerID: producerID,
            producerEpoch: producerEpoch,
            baseSequence: -1
        )
        let record = Record(timestampDelta: 0, offsetDelta: 0, key: key, value: value)
        return try RecordBatch.encode(header: header, records: [record], codec: .none)
    }

    /// Reads the marker of a whole control batch; nil when the batch holds no transaction
    /// marker: another control type (Kafka has others for its own logs), no record (Kafka's
    /// cleaner empties the markers of transactions it removed), or bytes that do not parse.
    /// Versions above 0 are read as 0 is: Kafka only ever adds fields after the known ones.
    init?(controlBatch: ByteBuffer) {
        var bytes = controlBatch
        guard let batch = try? RecordBatch.decode(from: &bytes), batch.header.isControl,
            let record = batch.records.first, var key = record.key, var value = record.value,
            let keyVersion = key.readInteger(as: Int16.self), keyVersion >= 0,
            let type = key.readInteger(as: Int16.self), let kind = Kind(rawValue: type),
            let valueVersion = value.readInteger(as: Int16.self), valueVersion >= 0,
            let coordinatorEpoch = value.readInteger(as: Int32.self)
        else { return nil }
        self.init(kind: kind, coordinatorEpoch: coordinatorEpoch)
    }
}

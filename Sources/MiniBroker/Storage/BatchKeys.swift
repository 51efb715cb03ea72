import KafkaWire
import NIOCore

/// The keys of one produced batch's records, read once on the produce path of a compacted
/// topic: they decide whether the batch is refused (`keyless`) and, once it is appended, go to
/// the segment's key file (`SegmentKeys`) so the log cleaner maps keys without decompressing
/// the log.
struct BatchKeys {
    /// Number of records.
    private(set) var count = 0
    /// Per record: unsigned varint offset delta, unsigned varint key length + 1 (0 for a null
    /// key), the key's bytes.
    private(set) var encoded = ByteBuffer()
    /// Positions (from 0) of the records without a key.
    private(set) var keyless: [Int] = []

    /// Reads the keys of `batch` (one whole batch).
    ///
    /// - Parameter checksumVerified: whether the caller checked the batch's CRC already, as
    ///   Produce's validation does.
    /// - Throws: when the batch cannot be read (the produce validation reports that).
    init(of batch: ByteBuffer, checksumVerified: Bool = false) throws {
        try RecordBatch.forEachRecordKey(in: batch, checksumVerified: checksumVerified) { record in
            count += 1
            encoded.writeUnsignedVarint(UInt32(clamping: record.offsetDelta))
            if let key = record.key {
                encoded.writeUnsignedVarint(UInt32(key.count) + 1)
                encoded.writeBytes(key)
            } else {
                encoded.writeUnsignedVarint(0)
                keyless.append(record.index)
            }
        }
    }
}

/// The parts of one record that compaction and the produce checks look at, read in place from
/// a batch's (decompressed) records: no buffer is made per field.
///
/// `key` points into bytes owned by the walk that produced the view; it is valid only inside
/// the closure that receives the view. Copy it to keep it.
public struct RecordKeyView {
    /// Position of the record in its batch, from 0.
    public let index: Int
    /// The record's offset minus the batch's base offset.
    public let offsetDelta: Int32
    /// The key's bytes, nil for a null key.
    public let key: UnsafeRawBufferPointer?
    /// Whether the value is non-null; a keyed record with a null value is a tombstone.
    public let hasValue: Bool

    /// A record with a key and a null value: on a compacted topic it deletes the key.
    public var isTombstone: Bool { key != nil && !hasValue }
}

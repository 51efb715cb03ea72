import NIOCore

/// One record inside a RecordBatch v2.
///
/// Offsets and timestamps are deltas from the batch's `baseOffset` and `baseTimestamp`.
/// Keys and values decoded from a batch are slices of the (decompressed) batch bytes:
/// no copy is made.
public struct Record: Hashable, Sendable {
    /// Unused by Kafka so far; always 0 on the wire.
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]

    public init(
        attributes: Int8 = 0,
        timestampDelta: Int64 = 0,
        offsetDelta: Int32,
        key: ByteBuffer?,
        value: ByteBuffer?,
        headers: [RecordHeader] = []
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }
}

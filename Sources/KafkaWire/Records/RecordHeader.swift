import NIOCore

/// A header of a record (KIP-82): a non-null UTF-8 key and nullable bytes.
public struct RecordHeader: Hashable, Sendable {
    public var key: String
    public var value: ByteBuffer?

    public init(key: String, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }
}

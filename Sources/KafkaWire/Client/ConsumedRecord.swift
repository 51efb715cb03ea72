import NIOCore

/// One record of a `FetchedBatch`, seen through `FetchedBatch.forEachRecord`.
///
/// Key, value and headers point into the batch's decompressed bytes: they are valid only
/// inside the closure that received the record. Copy what must outlive it.
public struct ConsumedRecord {
    /// The record's offset in its partition.
    public let offset: Int64
    /// Milliseconds since the epoch (the batch's log-append time when the topic uses it).
    public let timestamp: Int64
    /// The key bytes; nil for a record without key.
    public let key: UnsafeRawBufferPointer?
    /// The value bytes; nil for a tombstone.
    public let value: UnsafeRawBufferPointer?
    /// Number of headers.
    public let headerCount: Int
    /// The encoded headers (after the count), parsed only when asked for.
    let headerBytes: UnsafeRawBufferPointer

    /// The headers, copied out of the batch.
    public var headers: [RecordHeader] {
        var reader = RawRecordReader(headerBytes)
        var headers: [RecordHeader] = []
        headers.reserveCapacity(headerCount)
        // The headers were checked when the record was read, so reading them cannot fail.
        do {
            for _ in 0..<headerCount {
                let key = try reader.readBytes()
                let value = try reader.readBytes()
                headers.append(
                    RecordHeader(
                        key: key.map { String(decoding: $0, as: UTF8.self) } ?? "",
                        value: value.map { ByteBuffer(bytes: $0) }
                    )
                )
            }
        } catch {}
        return headers
    }

    /// The key decoded as UTF-8.
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    /// The value decoded as UTF-8.
    public var valueString: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

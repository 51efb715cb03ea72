/// Encoded records ready for a producer: all bytes in one buffer, and for each record where
/// its key and value lie, plus its event time (for the Kafka record timestamp).
///
/// One buffer per batch instead of one per record keeps generation allocation-free; a
/// producer copies the slices into its RecordBatch.
public struct OrderBatch: Sendable {
    /// Where one record's key and value lie in `bytes`.
    public struct Record: Sendable, Hashable {
        /// Key bytes: the order id.
        public var key: Range<Int>
        /// Value bytes: the order JSON (or a deliberately malformed record).
        public var value: Range<Int>
        /// Event time in microseconds since 1970, as in the order's `timestamp`.
        public var timestampMicros: Int64
    }

    /// The bytes every record's ranges point into.
    public internal(set) var bytes: [UInt8] = []
    /// The records in order.
    public internal(set) var records: [Record] = []

    /// An empty batch with room for about `capacity` orders.
    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity * 256)
        records.reserveCapacity(capacity)
    }

    /// Number of records.
    public var count: Int { records.count }
    /// Whether there are no records.
    public var isEmpty: Bool { records.isEmpty }

    /// The key (order id) of record `index`.
    public func key(at index: Int) -> ArraySlice<UInt8> { bytes[records[index].key] }
    /// The value (JSON) of record `index`.
    public func value(at index: Int) -> ArraySlice<UInt8> { bytes[records[index].value] }

    /// Empties the batch, keeping its storage for the next one.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
    }
}

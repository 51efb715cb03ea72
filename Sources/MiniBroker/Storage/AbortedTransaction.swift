/// A transaction its coordinator aborted, as a read_committed Fetch reports it: the reader
/// skips the producer's records from `firstOffset` until it meets the producer's marker.
public struct AbortedTransaction: Sendable, Equatable {
    /// The producer whose records are to be skipped.
    public var producerID: Int64
    /// Offset of the transaction's first batch in this partition.
    public var firstOffset: Int64
    /// Offset of the ABORT marker that closed it.
    public var lastOffset: Int64

    /// - Parameters:
    ///   - producerID: the transaction's producer.
    ///   - firstOffset: the offset of its first batch.
    ///   - lastOffset: the offset of its ABORT marker.
    public init(producerID: Int64, firstOffset: Int64, lastOffset: Int64) {
        self.producerID = producerID
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
    }
}

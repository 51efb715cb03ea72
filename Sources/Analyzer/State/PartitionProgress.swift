/// How far the analyzer got in one partition: the checkpointed part of its position and its
/// watermark.
struct PartitionProgress: Equatable {
    /// Offset of the next record to read.
    var nextOffset: Int64
    /// Largest event time counted from this partition; `Int64.min` before its first order.
    var maxEventMicros = Int64.min

    init(nextOffset: Int64, maxEventMicros: Int64 = .min) {
        self.nextOffset = nextOffset
        self.maxEventMicros = maxEventMicros
    }
}

/// A topic as `KafkaAdmin` describes it.
public struct TopicDescription: Sendable, Equatable {
    /// One partition: its leader and the offsets of its first and next record.
    public struct Partition: Sendable, Equatable {
        public var partition: Int32
        /// Leader node id (-1 when there is none).
        public var leader: Int32
        /// Offset of the first record still kept (log start).
        public var earliestOffset: Int64
        /// Offset the next record will get (high watermark).
        public var latestOffset: Int64

        /// Records currently kept in the partition.
        public var records: Int64 { max(0, latestOffset - earliestOffset) }
    }

    public var name: String
    /// In partition order.
    public var partitions: [Partition]
    /// Topic configs the broker reported (`retention.ms`, ...); empty when not asked for.
    public var configs: [String: String]
}

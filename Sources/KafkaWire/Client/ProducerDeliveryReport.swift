/// The outcome of one batch: the records of one partition sent in one Produce request.
public struct ProducerDeliveryReport: Sendable {
    /// Topic of the records.
    public var topic: String
    /// Partition of the records.
    public var partition: Int32
    /// Offset of the first record, when the broker reported one (not with acks=0).
    public var baseOffset: Int64?
    /// Number of records in the batch.
    public var recordCount: Int
    /// Why the batch was not delivered; nil on success.
    public var error: KafkaClientError?
}

/// Counters of a producer since it started.
public struct ProducerStatistics: Sendable, Hashable {
    /// Records accepted by `send`.
    public var recordsSent: Int
    /// Records the broker acknowledged (or written, with acks=0).
    public var recordsDelivered: Int
    /// Records that failed for good.
    public var recordsFailed: Int
    /// Bytes of records accepted but not yet acknowledged.
    public var bufferedBytes: Int
}

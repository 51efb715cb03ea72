/// What a partition log hands to the metadata store so the next start can skip work:
/// the recovery point and a snapshot of the idempotent producers' state.
public struct PartitionCheckpoint: Sendable, Equatable {
    /// Offset below which the log is known to be on disk (fsynced). After an unclean stop,
    /// only the segments from the one containing this offset on are re-validated.
    public var recoveryPoint: Int64
    /// The log end offset when the producer snapshot was taken: batches from here on are
    /// replayed from the log on open.
    public var producerSnapshotOffset: Int64
    /// The encoded producer state (see `ProducerStateTable`).
    public var producerSnapshot: [UInt8]

    public init(recoveryPoint: Int64, producerSnapshotOffset: Int64, producerSnapshot: [UInt8]) {
        self.recoveryPoint = recoveryPoint
        self.producerSnapshotOffset = producerSnapshotOffset
        self.producerSnapshot = producerSnapshot
    }
}

import KafkaWire
import NIOCore

/// A transaction marker encoded as its control batch, once for every partition of the
/// transaction: the bytes hold no offset (the log sets it as it appends), so the same bytes
/// serve each partition, and the coordinator does not encode them again for each.
struct MarkerBatch: Sendable {
    /// COMMIT or ABORT, and the coordinator's epoch.
    let marker: TransactionMarker
    /// The transaction's producer.
    let producerID: Int64
    /// The epoch the marker is written with.
    let producerEpoch: Int16
    /// When the marker was written, its batch's timestamp.
    let timestamp: Int64
    /// The control batch, base offset 0.
    let bytes: ByteBuffer

    /// The COMMIT (`commit`) or ABORT marker of `producerID`'s transaction at
    /// `producerEpoch`, written by the coordinator at `coordinatorEpoch`, stamped `timestamp`.
    init(commit: Bool, coordinatorEpoch: Int32, producerID: Int64, producerEpoch: Int16, timestamp: Int64) throws {
        marker = TransactionMarker(kind: commit ? .commit : .abort, coordinatorEpoch: coordinatorEpoch)
        self.producerID = producerID
        self.producerEpoch = producerEpoch
        self.timestamp = timestamp
        bytes = try marker.batch(producerID: producerID, producerEpoch: producerEpoch, timestamp: timestamp)
    }
}

import KafkaWire
import NIOCore

/// Records without a key in a batch produced to a compacted topic, which refuses them as
/// Kafka's `LogValidator` does: compaction keeps the newest record per key, so a record with
/// none could never be kept or replaced. The produce answer is INVALID_RECORD (87) with one
/// record error per keyless record (Produce v8+).
struct KeylessRecords: Equatable {
    /// Positions of the keyless records in the batch, from 0.
    var indices: [Int]
    /// What the client is told.
    var message: String

    /// The keyless records among `keys`, nil when every record has a key.
    init?(_ keys: BatchKeys, partition: KafkaTopicPartition) {
        let indices = keys.keyless
        guard !indices.isEmpty else { return nil }
        self.indices = indices
        message = "compacted topic partition \(partition) needs a key on every record; \(indices.count) have none"
    }
}

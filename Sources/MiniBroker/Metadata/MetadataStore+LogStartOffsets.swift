import KafkaWire
import SQLite

extension MetadataStore {
    /// The log start offset DeleteRecords moved a partition to; nil when it never did.
    public func logStartOffset(for partition: KafkaTopicPartition) throws -> Int64? {
        try withDatabase { database in
            try database.statement("SELECT log_start_offset FROM log_start_offsets WHERE topic = ? AND partition = ?")
                .rows([.text(partition.topic), .integer(Int64(partition.partition))]) { $0.int64(at: 0) }
                .first
        }
    }

    /// Records a partition's new log start offset before the records below it are dropped,
    /// so that a crash in between still starts the log there.
    public func saveLogStartOffset(_ offset: Int64, for partition: KafkaTopicPartition) throws {
        try withDatabase { database in
            try database.statement(
                """
                INSERT INTO log_start_offsets (topic, partition, log_start_offset) VALUES (?, ?, ?)
                ON CONFLICT (topic, partition) DO UPDATE SET log_start_offset = excluded.log_start_offset
                """
            ).run([.text(partition.topic), .integer(Int64(partition.partition)), .integer(offset)])
        }
    }
}

import KafkaWire

extension MetadataStore {
    /// Hands out the next producer id (InitProducerId). Ids only grow, across restarts.
    ///
    /// This one commit runs with `synchronous=FULL`: if a power cut lost it, the id could be
    /// handed out again and two producers would share sequence state.
    public func allocateProducerID() throws -> Int64 {
        try withDatabase { database in
            try database.execute("PRAGMA synchronous=FULL")
            defer { try? database.execute("PRAGMA synchronous=NORMAL") }
            return try database.transaction {
                try database.statement(
                    """
                    INSERT INTO counters (name, value) VALUES ('producer_id', 0)
                    ON CONFLICT (name) DO UPDATE SET value = value + 1
                    """
                ).run()
                return try database.statement("SELECT value FROM counters WHERE name = 'producer_id'")
                    .rows { $0.int64(at: 0) }.first ?? 0
            }
        }
    }

    /// Saves the checkpoints of several partitions in one transaction (at flush and close).
    public func saveCheckpoints(_ checkpoints: [KafkaTopicPartition: PartitionCheckpoint]) throws {
        try withDatabase { database in
            try database.transaction {
                let upsert = try database.statement(
                    """
                    INSERT INTO partition_checkpoints
                        (topic, partition, recovery_point, producer_snapshot_offset, producer_snapshot)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (topic, partition) DO UPDATE SET
                        recovery_point = excluded.recovery_point,
                        producer_snapshot_offset = excluded.producer_snapshot_offset,
                        producer_snapshot = excluded.producer_snapshot
                    """
                )
                for (partition, checkpoint) in checkpoints {
                    try upsert.run([
                        .text(partition.topic), .integer(Int64(partition.partition)),
                        .integer(checkpoint.recoveryPoint), .integer(checkpoint.producerSnapshotOffset),
                        .blob(checkpoint.producerSnapshot),
                    ])
                }
            }
        }
    }

    /// The last saved checkpoint of a partition, nil when none.
    public func checkpoint(for partition: KafkaTopicPartition) throws -> PartitionCheckpoint? {
        try withDatabase { database in
            try database.statement(
                """
                SELECT recovery_point, producer_snapshot_offset, producer_snapshot
                FROM partition_checkpoints WHERE topic = ? AND partition = ?
                """
            ).rows([.text(partition.topic), .integer(Int64(partition.partition))]) {
                PartitionCheckpoint(
                    recoveryPoint: $0.int64(at: 0),
                    producerSnapshotOffset: $0.int64(at: 1),
                    producerSnapshot: $0.blob(at: 2)
                )
            }.first
        }
    }

    /// Forgets the checkpoints of a topic's partitions.
    public func deleteCheckpoints(topic: String) throws {
        try withDatabase { database in
            try database.transaction {
                try database.statement("DELETE FROM partition_checkpoints WHERE topic = ?").run([.text(topic)])
                try database.statement("DELETE FROM log_start_offsets WHERE topic = ?").run([.text(topic)])
            }
        }
    }
}

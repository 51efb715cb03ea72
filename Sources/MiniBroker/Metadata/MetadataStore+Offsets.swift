import KafkaWire
import SQLite

extension MetadataStore {
    /// Stores a group's commits (one OffsetCommit request) in one transaction: all or none.
    public func commitOffsets(_ offsets: [CommittedOffset]) throws {
        try withDatabase { database in
            try database.transaction {
                let upsert = try database.statement(
                    """
                    INSERT INTO committed_offsets
                        (group_id, topic, partition, committed_offset, leader_epoch, metadata, commit_time)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (group_id, topic, partition) DO UPDATE SET
                        committed_offset = excluded.committed_offset, leader_epoch = excluded.leader_epoch,
                        metadata = excluded.metadata, commit_time = excluded.commit_time
                    """
                )
                for offset in offsets {
                    try upsert.run([
                        .text(offset.group), .text(offset.topic), .integer(Int64(offset.partition)),
                        .integer(offset.offset), .integer(Int64(offset.leaderEpoch)),
                        offset.metadata.map { .text($0) } ?? .null, .integer(offset.commitTime),
                    ])
                }
            }
        }
    }

    /// All committed offsets of a group, by topic and partition.
    public func committedOffsets(group: String) throws -> [CommittedOffset] {
        try withDatabase { database in
            try database.statement(
                """
                SELECT group_id, topic, partition, committed_offset, leader_epoch, metadata, commit_time
                FROM committed_offsets WHERE group_id = ? ORDER BY topic, partition
                """
            ).rows([.text(group)], Self.committedOffset)
        }
    }

    /// The committed offset of one partition for a group, nil when none.
    public func committedOffset(group: String, topic: String, partition: Int32) throws -> CommittedOffset? {
        try withDatabase { database in
            try database.statement(
                """
                SELECT group_id, topic, partition, committed_offset, leader_epoch, metadata, commit_time
                FROM committed_offsets WHERE group_id = ? AND topic = ? AND partition = ?
                """
            ).rows([.text(group), .text(topic), .integer(Int64(partition))], Self.committedOffset).first
        }
    }

    /// Groups that have at least one committed offset (ListGroups includes them even when
    /// no member is connected).
    public func groupsWithOffsets() throws -> [String] {
        try withDatabase { database in
            try database.statement("SELECT DISTINCT group_id FROM committed_offsets ORDER BY group_id")
                .rows { $0.string(at: 0) ?? "" }
        }
    }

    /// Forgets all offsets of a group (DeleteGroups).
    public func deleteOffsets(group: String) throws {
        try withDatabase { database in
            try database.statement("DELETE FROM committed_offsets WHERE group_id = ?").run([.text(group)])
        }
    }

    /// Forgets a group's offsets of some partitions (OffsetDelete), in one transaction.
    public func deleteOffsets(group: String, partitions: [KafkaTopicPartition]) throws {
        try withDatabase { database in
            try database.transaction {
                let delete = try database.statement(
                    "DELETE FROM committed_offsets WHERE group_id = ? AND topic = ? AND partition = ?"
                )
                for partition in partitions {
                    try delete.run([.text(group), .text(partition.topic), .integer(Int64(partition.partition))])
                }
            }
        }
    }

    /// Forgets every group's offsets in a topic (the topic was deleted).
    public func deleteOffsets(topic: String) throws {
        try withDatabase { database in
            try database.statement("DELETE FROM committed_offsets WHERE topic = ?").run([.text(topic)])
        }
    }

    private static func committedOffset(_ row: SQLiteStatement) -> CommittedOffset {
        CommittedOffset(
            group: row.string(at: 0) ?? "",
            topic: row.string(at: 1) ?? "",
            partition: Int32(row.int64(at: 2)),
            offset: row.int64(at: 3),
            leaderEpoch: Int32(row.int64(at: 4)),
            metadata: row.isNull(at: 5) ? nil : row.string(at: 5),
            commitTime: row.int64(at: 6)
        )
    }
}

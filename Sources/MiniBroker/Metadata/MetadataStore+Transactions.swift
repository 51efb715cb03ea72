import KafkaWire
import SQLite

/// The transaction coordinator's durable state: one row per transactional id, the
/// partitions and groups of its open transaction, and the offsets a transaction commits
/// (TxnOffsetCommit), which stay pending until the transaction ends.
extension MetadataStore {
    /// Writes a transactional id's metadata, replacing what was stored.
    ///
    /// - Parameter previous: what is stored now, when the caller knows it: only the
    ///   partitions and groups that changed are written (a transaction's state changes more
    ///   often than its partitions do).
    public func saveTransaction(_ metadata: TransactionMetadata, previous: TransactionMetadata? = nil) throws {
        try withDatabase { database in
            try database.transaction { try Self.save(metadata, previous: previous, in: database) }
        }
    }

    /// Every stored transactional id's metadata.
    public func transactions() throws -> [TransactionMetadata] {
        try withDatabase { database in
            var partitions: [String: Set<KafkaTopicPartition>] = [:]
            _ = try database.statement("SELECT transactional_id, topic, partition FROM transaction_partitions").rows {
                partitions[$0.string(at: 0) ?? "", default: []].insert(
                    KafkaTopicPartition(topic: $0.string(at: 1) ?? "", partition: Int32($0.int64(at: 2)))
                )
            }
            var groups: [String: Set<String>] = [:]
            _ = try database.statement("SELECT transactional_id, group_id FROM transaction_groups").rows {
                groups[$0.string(at: 0) ?? "", default: []].insert($0.string(at: 1) ?? "")
            }
            return try database.statement(
                """
                SELECT transactional_id, producer_id, producer_epoch, last_producer_epoch, timeout_ms, state,
                    start_time, update_time
                FROM transactions ORDER BY transactional_id
                """
            ).rows { row in
                let id = row.string(at: 0) ?? ""
                return TransactionMetadata(
                    transactionalID: id,
                    producerID: row.int64(at: 1),
                    producerEpoch: Int16(truncatingIfNeeded: row.int64(at: 2)),
                    lastProducerEpoch: Int16(truncatingIfNeeded: row.int64(at: 3)),
                    timeoutMs: Int32(truncatingIfNeeded: row.int64(at: 4)),
                    state: TransactionState(rawValue: Int(row.int64(at: 5))) ?? .dead,
                    partitions: partitions[id] ?? [],
                    groups: groups[id] ?? [],
                    startTimeMs: row.int64(at: 6),
                    updateTimeMs: row.int64(at: 7)
                )
            }
        }
    }

    /// Stores offsets a transaction commits; they stay pending (not visible to OffsetFetch)
    /// until `completeTransaction` commits or drops them.
    public func savePendingOffsets(_ offsets: [CommittedOffset], transactionalID: String) throws {
        try withDatabase { database in
            try database.transaction {
                let upsert = try database.statement(
                    """
                    INSERT INTO pending_transaction_offsets
                        (transactional_id, group_id, topic, partition, committed_offset, leader_epoch, metadata,
                         commit_time)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (transactional_id, group_id, topic, partition) DO UPDATE SET
                        committed_offset = excluded.committed_offset, leader_epoch = excluded.leader_epoch,
                        metadata = excluded.metadata, commit_time = excluded.commit_time
                    """
                )
                for offset in offsets {
                    try upsert.run([
                        .text(transactionalID), .text(offset.group), .text(offset.topic),
                        .integer(Int64(offset.partition)), .integer(offset.offset), .integer(Int64(offset.leaderEpoch)),
                        offset.metadata.map { .text($0) } ?? .null, .integer(offset.commitTime),
                    ])
                }
            }
        }
    }

    /// The partitions of `group` with an offset some open transaction has yet to commit
    /// (OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for them).
    public func pendingOffsetPartitions(group: String) throws -> Set<KafkaTopicPartition> {
        try withDatabase { database in
            Set(
                try database.statement("SELECT topic, partition FROM pending_transaction_offsets WHERE group_id = ?")
                    .rows([.text(group)]) {
                        KafkaTopicPartition(topic: $0.string(at: 0) ?? "", partition: Int32($0.int64(at: 1)))
                    }
            )
        }
    }

    /// Ends a transaction in one database transaction: its pending offsets become committed
    /// offsets (on commit) or are dropped (on abort), and `metadata` (already `complete*`) is
    /// stored. A crash leaves either the prepared state with its offsets pending, or this.
    public func completeTransaction(
        _ metadata: TransactionMetadata,
        previous: TransactionMetadata? = nil,
        commitOffsets: Bool
    ) throws {
        try withDatabase { database in
            try database.transaction {
                // Only a transaction that added a group (AddOffsetsToTxn) has pending offsets.
                if previous?.groups.isEmpty != true {
                    try Self.endPendingOffsets(of: metadata.transactionalID, commit: commitOffsets, in: database)
                }
                try Self.save(metadata, previous: previous, in: database)
            }
        }
    }

    /// Stores completions of transactions that committed no offsets, in one SQLite
    /// transaction: each `completed` replaces the `decided` metadata the store holds.
    public func saveCompletions(
        _ completions: [(completed: TransactionMetadata, decided: TransactionMetadata)]
    ) throws {
        try withDatabase { database in
            try database.transaction {
                for (completed, decided) in completions {
                    try Self.save(completed, previous: decided, in: database)
                }
            }
        }
    }

    /// Forgets transactional ids (their partitions and groups go with them).
    public func deleteTransactions(_ transactionalIDs: [String]) throws {
        try withDatabase { database in
            try database.transaction {
                let delete = try database.statement("DELETE FROM transactions WHERE transactional_id = ?")
                for id in transactionalIDs { try delete.run([.text(id)]) }
            }
        }
    }

    private static func endPendingOffsets(of transactionalID: String, commit: Bool, in database: SQLiteDatabase) throws
    {
        let id: [SQLiteValue] = [.text(transactionalID)]
        if commit {
            try database.statement(
                """
                INSERT INTO committed_offsets
                    (group_id, topic, partition, committed_offset, leader_epoch, metadata, commit_time)
                SELECT group_id, topic, partition, committed_offset, leader_epoch, metadata, commit_time
                FROM pending_transaction_offsets WHERE transactional_id = ?
                ON CONFLICT (group_id, topic, partition) DO UPDATE SET
                    committed_offset = excluded.committed_offset, leader_epoch = excluded.leader_epoch,
                    metadata = excluded.metadata, commit_time = excluded.commit_time
                """
            ).run(id)
        }
        try database.statement("DELETE FROM pending_transaction_offsets WHERE transactional_id = ?").run(id)
    }

    private static func save(
        _ metadata: TransactionMetadata,
        previous: TransactionMetadata?,
        in database: SQLiteDatabase
    ) throws {
        let id: [SQLiteValue] = [.text(metadata.transactionalID)]
        try database.statement(
            """
            INSERT INTO transactions
                (transactional_id, producer_id, producer_epoch, last_producer_epoch, timeout_ms, state, start_time,
                 update_time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (transactional_id) DO UPDATE SET
                producer_id = excluded.producer_id, producer_epoch = excluded.producer_epoch,
                last_producer_epoch = excluded.last_producer_epoch, timeout_ms = excluded.timeout_ms,
                state = excluded.state, start_time = excluded.start_time, update_time = excluded.update_time
            """
        ).run(
            id + [
                .integer(metadata.producerID), .integer(Int64(metadata.producerEpoch)),
                .integer(Int64(metadata.lastProducerEpoch)), .integer(Int64(metadata.timeoutMs)),
                .integer(Int64(metadata.state.rawValue)), .integer(metadata.startTimeMs),
                .integer(metadata.updateTimeMs),
            ]
        )
        let stored = previous?.transactionalID == metadata.transactionalID ? previous : nil
        if metadata.partitions != stored?.partitions {
            try savePartitions(metadata, previous: stored, in: database)
        }
        if metadata.groups != stored?.groups {
            try database.statement("DELETE FROM transaction_groups WHERE transactional_id = ?").run(id)
            let group = try database.statement(
                "INSERT INTO transaction_groups (transactional_id, group_id) VALUES (?, ?)"
            )
            for entry in metadata.groups.sorted() {
                try group.run(id + [.text(entry)])
            }
        }
    }

    /// Writes the partitions of the transaction: the new ones when partitions were only
    /// added (AddPartitionsToTxn), else all of them.
    private static func savePartitions(
        _ metadata: TransactionMetadata,
        previous: TransactionMetadata?,
        in database: SQLiteDatabase
    ) throws {
        let id: [SQLiteValue] = [.text(metadata.transactionalID)]
        var added = metadata.partitions
        if let previous, metadata.partitions.isSuperset(of: previous.partitions) {
            added.subtract(previous.partitions)
        } else {
            try database.statement("DELETE FROM transaction_partitions WHERE transactional_id = ?").run(id)
        }
        let partition = try database.statement(
            "INSERT INTO transaction_partitions (transactional_id, topic, partition) VALUES (?, ?, ?)"
        )
        for entry in added.sorted() {
            try partition.run(id + [.text(entry.topic), .integer(Int64(entry.partition))])
        }
    }
}

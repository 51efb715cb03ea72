import KafkaWire
import SQLite

/// The transaction coordinator's durable state: each transactional id's metadata (its
/// partitions and groups with it) in the transaction state log, and in SQLite the offsets a
/// transaction commits (TxnOffsetCommit), which stay pending until the transaction ends.
extension MetadataStore {
    /// Writes a transactional id's metadata, replacing what was stored.
    public func saveTransaction(_ metadata: TransactionMetadata) throws {
        try withTransactionLog { _, log in try log.append([metadata]) }
    }

    /// Every stored transactional id's metadata, by id.
    public func transactions() throws -> [TransactionMetadata] {
        try withTransactionLog { _, log in log.states.values.sorted { $0.transactionalID < $1.transactionalID } }
    }

    /// Bytes of a torn or damaged end the transaction state log had when opened, now dropped
    /// (0 when it was whole).
    public var transactionLogDroppedBytes: Int {
        (try? withTransactionLog { _, log in log.droppedBytes }) ?? 0
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

    /// Ends a transaction: its pending offsets become committed offsets (on commit) or are
    /// dropped (on abort) in one SQLite transaction, then `metadata` (already `complete*`) is
    /// stored. A crash in between leaves the prepared state, whose completion at the next start
    /// finds no offsets left pending and stores it.
    public func completeTransaction(
        _ metadata: TransactionMetadata,
        previous: TransactionMetadata? = nil,
        commitOffsets: Bool
    ) throws {
        try withTransactionLog { database, log in
            // Only a transaction that added a group (AddOffsetsToTxn) has pending offsets.
            if previous?.groups.isEmpty != true {
                try database.transaction {
                    try Self.endPendingOffsets(of: metadata.transactionalID, commit: commitOffsets, in: database)
                }
            }
            try log.append([metadata])
        }
    }

    /// Stores completions of transactions that committed no offsets, in one write.
    public func saveCompletions(_ completions: [TransactionMetadata]) throws {
        try withTransactionLog { _, log in try log.append(completions) }
    }

    /// Forgets transactional ids.
    public func deleteTransactions(_ transactionalIDs: [String]) throws {
        try withTransactionLog { _, log in try log.forget(transactionalIDs) }
    }

    /// Opens the transaction state log at `path`. Transactions stored in the database's
    /// tables by versions before the log are moved into it: written as the new log's first
    /// content (atomically) when there is no log yet, then deleted from the tables.
    static func openTransactionLog(at path: String, database: SQLiteDatabase) throws -> TransactionStateLog {
        let legacy = try legacyTransactions(in: database)
        if !legacy.isEmpty && !FileSystem.fileExists(path) {
            try TransactionStateLog.create(at: path, with: legacy)
        }
        let log = try TransactionStateLog(path: path)
        if !legacy.isEmpty {
            try database.transaction { try database.execute("DELETE FROM transactions") }
        }
        return log
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

    /// What the `transactions`, `transaction_partitions` and `transaction_groups` tables hold:
    /// the coordinator's state as versions before the transaction state log kept it.
    private static func legacyTransactions(in database: SQLiteDatabase) throws -> [TransactionMetadata] {
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

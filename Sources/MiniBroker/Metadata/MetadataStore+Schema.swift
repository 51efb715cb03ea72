import SQLite

extension MetadataStore {
    /// Schema steps; step N brings `user_version` from N to N + 1. Only ever append: a
    /// database created by an older version is upgraded in place.
    static let migrations: [String] = [
        """
        CREATE TABLE topics (
            name TEXT PRIMARY KEY,
            topic_id BLOB NOT NULL,
            partition_count INTEGER NOT NULL
        );
        CREATE TABLE topic_configs (
            topic TEXT NOT NULL REFERENCES topics(name) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (topic, key)
        );
        CREATE TABLE committed_offsets (
            group_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            partition INTEGER NOT NULL,
            committed_offset INTEGER NOT NULL,
            leader_epoch INTEGER NOT NULL,
            metadata TEXT,
            commit_time INTEGER NOT NULL,
            PRIMARY KEY (group_id, topic, partition)
        );
        CREATE INDEX committed_offsets_by_topic ON committed_offsets(topic);
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE TABLE partition_checkpoints (
            topic TEXT NOT NULL,
            partition INTEGER NOT NULL,
            recovery_point INTEGER NOT NULL,
            producer_snapshot_offset INTEGER NOT NULL,
            producer_snapshot BLOB NOT NULL,
            PRIMARY KEY (topic, partition)
        );
        """,
        """
        CREATE TABLE broker_configs (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (scope, key)
        );
        CREATE TABLE log_start_offsets (
            topic TEXT NOT NULL,
            partition INTEGER NOT NULL,
            log_start_offset INTEGER NOT NULL,
            PRIMARY KEY (topic, partition)
        );
        """,
        """
        CREATE TABLE transactions (
            transactional_id TEXT PRIMARY KEY,
            producer_id INTEGER NOT NULL,
            producer_epoch INTEGER NOT NULL,
            last_producer_epoch INTEGER NOT NULL,
            timeout_ms INTEGER NOT NULL,
            state INTEGER NOT NULL,
            start_time INTEGER NOT NULL,
            update_time INTEGER NOT NULL
        );
        CREATE TABLE transaction_partitions (
            transactional_id TEXT NOT NULL REFERENCES transactions(transactional_id) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            partition INTEGER NOT NULL,
            PRIMARY KEY (transactional_id, topic, partition)
        );
        CREATE TABLE transaction_groups (
            transactional_id TEXT NOT NULL REFERENCES transactions(transactional_id) ON DELETE CASCADE,
            group_id TEXT NOT NULL,
            PRIMARY KEY (transactional_id, group_id)
        );
        CREATE TABLE pending_transaction_offsets (
            transactional_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            partition INTEGER NOT NULL,
            committed_offset INTEGER NOT NULL,
            leader_epoch INTEGER NOT NULL,
            metadata TEXT,
            commit_time INTEGER NOT NULL,
            PRIMARY KEY (transactional_id, group_id, topic, partition)
        );
        CREATE INDEX pending_transaction_offsets_by_group ON pending_transaction_offsets(group_id);
        """,
        """
        CREATE TABLE scram_credentials (
            user TEXT NOT NULL,
            mechanism TEXT NOT NULL,
            salt BLOB NOT NULL,
            stored_key BLOB NOT NULL,
            server_key BLOB NOT NULL,
            iterations INTEGER NOT NULL,
            PRIMARY KEY (user, mechanism)
        );
        """,
        """
        CREATE TABLE acls (
            resource_type INTEGER NOT NULL,
            resource_name TEXT NOT NULL,
            pattern_type INTEGER NOT NULL,
            principal TEXT NOT NULL,
            host TEXT NOT NULL,
            operation INTEGER NOT NULL,
            permission INTEGER NOT NULL,
            PRIMARY KEY (resource_type, resource_name, pattern_type, principal, host, operation, permission)
        );
        """,
        """
        -- The transaction coordinator's states moved to transaction-state.log: the tables
        -- transactions, transaction_partitions and transaction_groups hold only what older
        -- versions stored, moved into the log when the store opens (openTransactionLog). The
        -- step changes no table; its version makes an older aseed refuse this database rather
        -- than find no transactions in it.
        """,
    ]

    /// The schema version this build writes.
    static var schemaVersion: Int { migrations.count }

    /// Applies the missing schema steps, each in its own transaction with its version bump.
    static func migrate(_ database: SQLiteDatabase) throws {
        let current = try database.userVersion()
        guard current <= schemaVersion else {
            throw SQLiteError(
                code: 0,
                message: """
                    \(database.path) has schema version \(current), newer than this aseed knows \
                    (\(schemaVersion)); run a newer aseed or move the data directory away
                    """
            )
        }
        for version in current..<schemaVersion {
            try database.transaction {
                try database.execute(migrations[version])
                try database.setUserVersion(version + 1)
            }
        }
    }
}

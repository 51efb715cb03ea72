import KafkaWire
import SQLite

extension MetadataStore {
    /// Adds a topic with its configs.
    /// - Throws: `SQLiteError` with `isConstraintViolation` when a topic of that name exists.
    public func createTopic(_ topic: TopicRecord) throws {
        try withDatabase { database in
            try database.transaction {
                try database.statement("INSERT INTO topics (name, topic_id, partition_count) VALUES (?, ?, ?)")
                    .run([.text(topic.name), .blob(Self.bytes(of: topic.id)), .integer(Int64(topic.partitionCount))])
                try Self.insertConfigs(topic.configs, of: topic.name, in: database)
            }
        }
    }

    /// All topics, by name.
    public func topics() throws -> [TopicRecord] {
        try withDatabase { database in
            let configs = try Self.allConfigs(in: database)
            return try database.statement("SELECT name, topic_id, partition_count FROM topics ORDER BY name")
                .rows { row in
                    let name = row.string(at: 0) ?? ""
                    return TopicRecord(
                        name: name,
                        id: Self.uuid(from: row.blob(at: 1)),
                        partitionCount: Int32(row.int64(at: 2)),
                        configs: configs[name] ?? [:]
                    )
                }
        }
    }

    /// The topic named `name`, nil when there is none.
    public func topic(named name: String) throws -> TopicRecord? {
        try topics().first { $0.name == name }
    }

    /// Raises a topic's partition count (CreatePartitions); Kafka never lowers it.
    public func setPartitionCount(_ count: Int32, of topic: String) throws {
        try withDatabase { database in
            try database.statement("UPDATE topics SET partition_count = max(partition_count, ?) WHERE name = ?")
                .run([.integer(Int64(count)), .text(topic)])
        }
    }

    /// Replaces the configs of a topic.
    public func setConfigs(_ configs: [String: String], of topic: String) throws {
        try withDatabase { database in
            try database.transaction {
                try database.statement("DELETE FROM topic_configs WHERE topic = ?").run([.text(topic)])
                try Self.insertConfigs(configs, of: topic, in: database)
            }
        }
    }

    /// Removes a topic with everything kept about it: configs, committed offsets and
    /// partition checkpoints, in one transaction.
    public func deleteTopic(_ name: String) throws {
        try withDatabase { database in
            try database.transaction {
                for sql in [
                    "DELETE FROM topic_configs WHERE topic = ?",
                    "DELETE FROM committed_offsets WHERE topic = ?",
                    "DELETE FROM partition_checkpoints WHERE topic = ?",
                    "DELETE FROM log_start_offsets WHERE topic = ?",
                    "DELETE FROM topics WHERE name = ?",
                ] {
                    try database.statement(sql).run([.text(name)])
                }
            }
        }
    }

    private static func insertConfigs(_ configs: [String: String], of topic: String, in database: SQLiteDatabase) throws
    {
        let insert = try database.statement("INSERT INTO topic_configs (topic, key, value) VALUES (?, ?, ?)")
        for (key, value) in configs.sorted(by: { $0.key < $1.key }) {
            try insert.run([.text(topic), .text(key), .text(value)])
        }
    }

    private static func allConfigs(in database: SQLiteDatabase) throws -> [String: [String: String]] {
        var configs: [String: [String: String]] = [:]
        let rows = try database.statement("SELECT topic, key, value FROM topic_configs").rows {
            ($0.string(at: 0) ?? "", $0.string(at: 1) ?? "", $0.string(at: 2) ?? "")
        }
        for (topic, key, value) in rows { configs[topic, default: [:]][key] = value }
        return configs
    }

    /// The 16 bytes of a UUID, big-endian, as on the wire.
    static func bytes(of id: KafkaUUID) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: id.high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: id.low >> (56 - 8 * $0)) }
    }

    static func uuid(from bytes: [UInt8]) -> KafkaUUID {
        guard bytes.count == 16 else { return .zero }
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return KafkaUUID(high: high, low: low)
    }
}

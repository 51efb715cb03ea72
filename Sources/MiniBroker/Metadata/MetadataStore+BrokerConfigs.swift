import SQLite

extension MetadataStore {
    /// The dynamic broker configs set with AlterConfigs/IncrementalAlterConfigs.
    public func brokerConfigs() throws -> BrokerConfigs {
        try withDatabase { database in
            var configs = BrokerConfigs()
            let rows = try database.statement("SELECT scope, key, value FROM broker_configs").rows {
                ($0.string(at: 0) ?? "", $0.string(at: 1) ?? "", $0.string(at: 2) ?? "")
            }
            for (scope, key, value) in rows {
                guard let scope = BrokerConfigs.Scope(rawValue: scope) else { continue }
                configs[scope][key] = value
            }
            return configs
        }
    }

    /// Replaces the dynamic broker configs of `scope`.
    public func setBrokerConfigs(_ values: [String: String], scope: BrokerConfigs.Scope) throws {
        try withDatabase { database in
            try database.transaction {
                try database.statement("DELETE FROM broker_configs WHERE scope = ?").run([.text(scope.rawValue)])
                let insert = try database.statement("INSERT INTO broker_configs (scope, key, value) VALUES (?, ?, ?)")
                for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                    try insert.run([.text(scope.rawValue), .text(key), .text(value)])
                }
            }
        }
    }
}

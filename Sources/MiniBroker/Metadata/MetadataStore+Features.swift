import SQLite

extension MetadataStore {
    /// Feature levels and their epoch are kept in `counters`, as `feature:<name>` and
    /// `finalized_features_epoch`: small integers like the others there, and no schema step,
    /// so a database stays readable by versions that finalize their defaults.
    private static let featurePrefix = "feature:"
    private static let featuresEpochName = "finalized_features_epoch"
    /// The parameters that select the features' rows, levels and epoch.
    private static var featureRows: [SQLiteValue] { [.text(featurePrefix + "%"), .text(featuresEpochName)] }

    /// The finalized feature levels an operator set with UpdateFeatures, nil when none was
    /// ever set (the broker then finalizes its defaults).
    public func finalizedFeatures() throws -> FeatureLevels? {
        try withDatabase { database in
            let rows = try database.statement("SELECT name, value FROM counters WHERE name LIKE ? OR name = ?")
                .rows(Self.featureRows) { ($0.string(at: 0) ?? "", $0.int64(at: 1)) }
            guard let epoch = rows.first(where: { $0.0 == Self.featuresEpochName })?.1 else { return nil }
            var levels: [String: Int16] = [:]
            for (name, value) in rows where name.hasPrefix(Self.featurePrefix) {
                levels[String(name.dropFirst(Self.featurePrefix.count))] = Int16(clamping: value)
            }
            return FeatureLevels(levels: levels, epoch: epoch)
        }
    }

    /// Replaces the finalized feature levels and their epoch, in one transaction.
    public func saveFinalizedFeatures(_ features: FeatureLevels) throws {
        try withDatabase { database in
            try database.transaction {
                try database.statement("DELETE FROM counters WHERE name LIKE ? OR name = ?").run(Self.featureRows)
                let insert = try database.statement("INSERT INTO counters (name, value) VALUES (?, ?)")
                try insert.run([.text(Self.featuresEpochName), .integer(features.epoch)])
                for (name, level) in features.levels.sorted(by: { $0.key < $1.key }) {
                    try insert.run([.text(Self.featurePrefix + name), .integer(Int64(level))])
                }
            }
        }
    }
}

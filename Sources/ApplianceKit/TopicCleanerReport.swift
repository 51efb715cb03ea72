import FoundationEssentials

/// What the log cleaner did to a compacted topic, as `aseed topics describe` prints it. Kafka has
/// no request for these figures, so the command reads them from the appliance's dashboard
/// (`GET /api/broker/topics/{name}`, Sources/Dashboard/README.md), which knows them for the broker
/// in its own process only.
public struct TopicCleanerReport: Decodable, Equatable {
    /// The part of one partition the report shows.
    public struct Partition: Decodable, Equatable {
        public var partition: Int32
        /// Absent when the dashboard cannot tell (an external cluster).
        public var cleaner: Cleaner?
    }

    /// The cleaner's figures of a partition (the API's snake_case field names, in camel case).
    public struct Cleaner: Decodable, Equatable {
        public var dirtyRatio: Double
        public var lastCleaning: Cleaning?
        public var cleanings: Int
        public var totalBytesReclaimed: Int64
        public var lastError: String?
    }

    /// One completed cleaning.
    public struct Cleaning: Decodable, Equatable {
        /// ISO 8601 UTC, e.g. `2025-12-06T10:15:32.123456Z`.
        public var finishedAt: String
        public var durationMs: Int64
        public var bytesReclaimed: Int64
        public var recordsRemoved: Int64
    }

    public var cleanupPolicy: String?
    public var partitions: [Partition]

    /// The report from the dashboard's answer.
    ///
    /// - Throws: when the body is not the topic's JSON.
    public static func decode(_ body: [UInt8]) throws -> TopicCleanerReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TopicCleanerReport.self, from: Data(body))
    }

    /// The figures as a table, one row per partition; nil when the dashboard has none (it reads
    /// an external cluster).
    public var table: String? {
        let known = partitions.compactMap { partition in partition.cleaner.map { (partition.partition, $0) } }
        guard !known.isEmpty else { return nil }
        var table = TextTable(
            "PARTITION",
            "DIRTY-RATIO",
            "LAST-CLEANED",
            "TOOK",
            "RECLAIMED",
            "TOTAL-RECLAIMED",
            "REMOVED",
            "CLEANINGS",
            "LAST-ERROR"
        )
        for (partition, cleaner) in known.sorted(by: { $0.0 < $1.0 }) {
            let last = cleaner.lastCleaning
            table.add([
                String(partition), Self.ratio(cleaner.dirtyRatio),
                last.map { Self.seconds($0.finishedAt) } ?? "never",
                last.map { "\($0.durationMs)ms" } ?? "-", last.map { String($0.bytesReclaimed) } ?? "-",
                String(cleaner.totalBytesReclaimed), last.map { String($0.recordsRemoved) } ?? "-",
                String(cleaner.cleanings), cleaner.lastError ?? "-",
            ])
        }
        return table.text
    }

    /// A ratio with two decimals.
    static func ratio(_ value: Double) -> String {
        let hundredths = Int((max(0, value) * 100).rounded())
        return "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
    }

    /// An API time cut to whole seconds: `2025-12-06T10:15:32Z`.
    static func seconds(_ time: String) -> String {
        guard time.count > 19, time.hasSuffix("Z") else { return time }
        return time.prefix(19) + "Z"
    }
}

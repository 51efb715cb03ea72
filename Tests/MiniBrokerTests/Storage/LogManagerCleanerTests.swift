import KafkaWire
import Logging
import Testing

@testable import MiniBroker

@Suite("Log manager: the log cleaner")
struct LogManagerCleanerTests {
    private func openManager(
        _ directory: TemporaryDirectory,
        checkEveryMilliseconds: Int64 = 15_000
    ) throws -> LogManager {
        let metadata = try MetadataStore(dataDirectory: directory.path)
        if try metadata.topics().isEmpty {
            let compacted = ["cleanup.policy": "compact", "segment.bytes": "1024"]
            try metadata.createTopic(TopicRecord(name: "table", id: .random(), partitionCount: 2, configs: compacted))
            try metadata.createTopic(
                TopicRecord(name: "events", id: .random(), partitionCount: 1, configs: ["segment.bytes": "1024"])
            )
        }
        var configuration = BrokerConfiguration.storageTest()
        configuration.cleanerIOBytesPerSecond = 0
        configuration.cleanerCheckIntervalMilliseconds = checkEveryMilliseconds
        let logs = LogManager(
            dataDirectory: directory.path,
            configuration: configuration,
            metadata: metadata,
            logger: Logger(label: "test")
        )
        try logs.open()
        return logs
    }

    @Test func cleanNowCompactsOnlyTheCompactedTopicsPartitions() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let logs = try openManager(directory)
        var model = CompactionModel()
        try model.appendWorkload(to: logs.log(topic: "table", partition: 0)!, batches: 150, keys: 10)
        var events = CompactionModel()
        try events.appendWorkload(to: logs.log(topic: "events", partition: 0)!, batches: 150, keys: 10)

        let outcomes = logs.cleanNow(now: 10_000)
        #expect(Set(outcomes.keys.map(\.description)) == ["table-0", "table-1"])
        guard case .cleaned = outcomes[KafkaTopicPartition(topic: "table", partition: 0)] else {
            Issue.record("table-0 not cleaned: \(outcomes)")
            return
        }
        #expect(outcomes[KafkaTopicPartition(topic: "table", partition: 1)] == .notDue)
        #expect(try storedContents(logs.log(topic: "events", partition: 0)!).records.count == events.records.count)
        let stats = logs.cleanerStats(now: 10_000)
        #expect(Set(stats.keys.map(\.description)) == ["table-0", "table-1"])
        #expect(stats[KafkaTopicPartition(topic: "table", partition: 0)]?.cleanings == 1)
        try logs.close()
    }

    @Test func theCleanersThreadCompactsUntilTheManagerCloses() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let logs = try openManager(directory, checkEveryMilliseconds: 20)
        let table = logs.log(topic: "table", partition: 1)!
        var model = CompactionModel()
        try model.appendWorkload(to: table, batches: 150, keys: 10)
        logs.startCleaner()
        for _ in 0..<300 where table.cleanerStats().cleanings == 0 {
            CleanerThrottle.sleepNanoseconds(10_000_000)
        }
        #expect(table.cleanerStats().cleanings == 1)
        try logs.close()
        #expect(
            model.problems(
                in: try storedContents(try openManager(directory).log(topic: "table", partition: 1)!).records
            ) == []
        )
    }
}

import Dashboard
import KafkaWire
import MiniBroker
import Testing

@testable import ApplianceKit

@Suite("The embedded broker's log cleaner figures for the console")
struct EmbeddedBrokerTests {
    @Test func theBrokersFiguresOfOneTopicByPartition() {
        var cleaned = CleanerStats()
        cleaned.dirtyRatio = 0.4
        cleaned.firstDirtyOffset = 120
        cleaned.lastCleaning = .init(
            finishedAt: 1_764_000_000_000,
            durationMilliseconds: 15,
            bytesRead: 99_999,
            bytesWritten: 1000,
            bytesReclaimed: 3000,
            recordsKept: 10,
            recordsRemoved: 90
        )
        cleaned.cleanings = 3
        cleaned.totalBytesReclaimed = 7000
        cleaned.lastError = "disk full"
        cleaned.lastErrorAt = 1_764_000_001_000
        let stats: [KafkaTopicPartition: CleanerStats] = [
            KafkaTopicPartition(topic: "users", partition: 0): cleaned,
            KafkaTopicPartition(topic: "users", partition: 1): CleanerStats(),
            KafkaTopicPartition(topic: "other", partition: 0): cleaned,
        ]
        let figures = EmbeddedBroker.figures(stats, topic: "users")
        #expect(Set(figures.keys) == [0, 1])
        #expect(
            figures[0]
                == ConsoleCleanerFigures(
                    dirtyRatio: 0.4,
                    firstDirtyOffset: 120,
                    lastCleaning: .init(
                        finishedAtMillis: 1_764_000_000_000,
                        durationMilliseconds: 15,
                        bytesReclaimed: 3000,
                        recordsKept: 10,
                        recordsRemoved: 90
                    ),
                    cleanings: 3,
                    totalBytesReclaimed: 7000,
                    lastError: "disk full",
                    lastErrorAtMillis: 1_764_000_001_000
                )
        )
        #expect(figures[1] == ConsoleCleanerFigures(dirtyRatio: 0, firstDirtyOffset: 0))
        #expect(EmbeddedBroker.figures(stats, topic: "none").isEmpty)
    }

    @Test func noFiguresBeforeTheBrokerStarts() {
        #expect(EmbeddedBroker().cleanerFigures(topic: "users") == nil)
        #expect(EmbeddedBroker().cleanerFiguresProvider("users") == nil)
    }
}

import Common
import Foundation
import KafkaWire
import NIOCore
import SQLite
import Testing

@testable import MiniBroker

@Suite("Transaction state log")
struct TransactionStateLogTests {
    static func metadata(
        _ id: String,
        state: TransactionState = .ongoing,
        epoch: Int16 = 0,
        partitions: Set<KafkaTopicPartition> = [KafkaTopicPartition(topic: "orders", partition: 2)],
        groups: Set<String> = []
    ) -> TransactionMetadata {
        TransactionMetadata(
            transactionalID: id,
            producerID: 41,
            producerEpoch: epoch,
            lastProducerEpoch: epoch - 1,
            timeoutMs: 60_000,
            state: state,
            partitions: partitions,
            groups: groups,
            startTimeMs: 1_000,
            updateTimeMs: 2_000
        )
    }

    @Test func theLastRecordOfEachIdIsItsStateAfterReopening() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + TransactionStateLog.fileName
        let first = Self.metadata("a", groups: ["g1", "g2"])
        let second = Self.metadata("b", state: .empty, partitions: [])
        let decided = Self.metadata("a", state: .prepareCommit, groups: ["g1", "g2"])
        do {
            let log = try TransactionStateLog(path: path)
            try log.append([first, second])
            try log.append([decided])
            try log.forget(["b"])
            try log.append([Self.metadata("c", state: .completeAbort, epoch: 7, partitions: [])])
        }
        let reopened = try TransactionStateLog(path: path)
        #expect(reopened.droppedBytes == 0)
        #expect(reopened.states.count == 2)
        #expect(reopened.states["a"] == decided)
        #expect(reopened.states["b"] == nil)
        #expect(reopened.states["c"]?.producerEpoch == 7)
    }

    @Test func recordsWithoutThePreviousProducerIDOfEarlierVersionsAreRead() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + TransactionStateLog.fileName
        var rotated = Self.metadata("a", state: .completeCommit, partitions: [])
        rotated.previousProducerID = 7
        do { try TransactionStateLog(path: path).append([rotated]) }
        #expect(try TransactionStateLog(path: path).states["a"]?.previousProducerID == 7)

        // The same record as earlier versions wrote it: the body without its last 8 bytes.
        let written = try #require(FileManager.default.contents(atPath: path))
        var body = ByteBuffer(bytes: written.dropFirst(8).dropLast(8))
        var record = ByteBuffer()
        record.writeInteger(UInt32(body.readableBytes))
        record.writeInteger(CRC32C.checksum(body))
        record.writeBuffer(&body)
        try Data(record.readableBytesView).write(to: URL(fileURLWithPath: path))
        let earlier = try TransactionStateLog(path: path)
        #expect(earlier.droppedBytes == 0)
        rotated.previousProducerID = -1
        #expect(earlier.states["a"] == rotated)
    }

    @Test func aTornEndIsDroppedAndTheNextRecordIsReadable() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + TransactionStateLog.fileName
        let firstRecord: Int
        do {
            let log = try TransactionStateLog(path: path)
            try log.append([Self.metadata("a")])
            firstRecord = log.size
            try log.append([Self.metadata("a", state: .prepareAbort)])
        }
        // A crash in the middle of the second record's write.
        let whole = try #require(FileSystem.fileSize(path))
        try FileBytes.write(Array(try FileBytes.read(atPath: path).dropLast(5)), atomicallyTo: path)
        do {
            let log = try TransactionStateLog(path: path)
            #expect(log.states["a"]?.state == .ongoing)
            #expect(log.size == firstRecord && log.droppedBytes == whole - 5 - firstRecord)
            try log.append([Self.metadata("a", state: .prepareCommit)])
        }
        // Bytes that are no record at all (a damaged disk) end it the same way.
        var bytes = try FileBytes.read(atPath: path)
        bytes += [0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        try FileBytes.write(bytes, atomicallyTo: path)
        let log = try TransactionStateLog(path: path)
        #expect(log.states["a"]?.state == .prepareCommit)
        #expect(log.droppedBytes == 17)
        #expect(FileSystem.fileSize(path) == log.size)
    }

    @Test func aCutAtAnyByteLeavesTheStatesOfTheWholeRecordsBeforeIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + TransactionStateLog.fileName
        // The states after each record, and where each record ends.
        var history: [(end: Int, states: [String: TransactionMetadata])] = [(0, [:])]
        do {
            let log = try TransactionStateLog(path: path)
            let changes: [TransactionMetadata] = [
                Self.metadata("a"), Self.metadata("b", groups: ["g"]), Self.metadata("a", state: .prepareCommit),
                Self.metadata("a", state: .completeCommit, partitions: []),
            ]
            for change in changes {
                try log.append([change])
                history.append((log.size, log.states))
            }
            try log.forget(["b"])
            history.append((log.size, log.states))
        }
        let whole = try FileBytes.read(atPath: path)
        for cut in 0...whole.count {
            try FileBytes.write(Array(whole[..<cut]), atomicallyTo: path)
            let log = try TransactionStateLog(path: path)
            let before = try #require(history.last { $0.end <= cut })
            #expect(log.states == before.states, "cut at \(cut)")
            #expect(log.size == before.end && log.droppedBytes == cut - before.end, "cut at \(cut)")
        }
    }

    @Test func aLogMostlyOfOldStatesIsRewrittenWithTheCurrentOnes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + TransactionStateLog.fileName
        let log = try TransactionStateLog(path: path, compactionBytes: 1_024)
        try log.append([Self.metadata("kept", state: .empty, partitions: [])])
        for round in 0..<200 {
            let state: TransactionState = round % 2 == 0 ? .ongoing : .completeCommit
            try log.append([Self.metadata("busy", state: state, epoch: Int16(round))])
        }
        try log.append([Self.metadata("gone")])
        try log.forget(["gone"])
        #expect(log.size <= 1_024 + 200)
        #expect(FileSystem.fileSize(path) == log.size)
        let reopened = try TransactionStateLog(path: path)
        #expect(reopened.states.keys.sorted() == ["busy", "kept"])
        #expect(reopened.states["busy"]?.producerEpoch == 199)
        #expect(reopened.states["busy"]?.state == .completeCommit)
    }

    @Test func transactionsStoredInTheDatabaseBeforeTheLogMoveIntoIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let databasePath = directory.path + "/" + MetadataStore.fileName
        let logPath = directory.path + "/" + TransactionStateLog.fileName
        _ = try MetadataStore(path: databasePath)
        try FileSystem.removeFile(logPath)
        // What an earlier version left: an id with a transaction open on two partitions and a group.
        do {
            let database = try SQLiteDatabase(path: databasePath)
            try database.execute(
                """
                INSERT INTO transactions VALUES ('old', 12, 3, 2, 30000, 1, 500, 600);
                INSERT INTO transaction_partitions VALUES ('old', 'orders', 0), ('old', 'orders', 1);
                INSERT INTO transaction_groups VALUES ('old', 'g');
                """
            )
        }
        let expected = TransactionMetadata(
            transactionalID: "old",
            producerID: 12,
            producerEpoch: 3,
            lastProducerEpoch: 2,
            timeoutMs: 30_000,
            state: .ongoing,
            partitions: [
                KafkaTopicPartition(topic: "orders", partition: 0), KafkaTopicPartition(topic: "orders", partition: 1),
            ],
            groups: ["g"],
            startTimeMs: 500,
            updateTimeMs: 600
        )
        do {
            let store = try MetadataStore(path: databasePath)
            #expect(try store.transactions() == [expected])
            try store.saveTransaction(expected.preparing(commit: true, at: 700))
        }
        let database = try SQLiteDatabase(path: databasePath)
        let rows = try database.statement("SELECT count(*) FROM transactions").rows { $0.int64(at: 0) }
        #expect(rows == [0])
        let store = try MetadataStore(path: databasePath)
        #expect(try store.transactions().map(\.state) == [.prepareCommit])
    }
}

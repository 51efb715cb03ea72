import KafkaWire
import Testing

@testable import MiniBroker

/// A crash of the coordinator at each step of ending a transaction: the coordinator is
/// rebuilt from the metadata store alone, as after kill -9, and every transaction must end
/// committed on all its partitions or aborted on all.
@Suite("Transaction coordinator: crashes")
struct TransactionCrashTests {
    typealias Fixture = CoordinatorFixture

    /// An ongoing transaction on both partitions with a pending offset of group "g".
    private func ongoing(_ fixture: Fixture) throws -> TransactionCoordinator.Producer {
        let producer = fixture.initProducer("a", timeoutMs: 10_000)
        #expect(fixture.coordinator.addPartitions([Fixture.p0, Fixture.p1], by: producer) == .none)
        try fixture.produce(producer, to: Fixture.p0, sequence: 0)
        try fixture.produce(producer, to: Fixture.p1, sequence: 0)
        #expect(fixture.coordinator.addOffsets(group: "g", by: producer) == .none)
        let offset = CommittedOffset(group: "g", topic: "t", partition: 0, offset: 7, commitTime: 1)
        #expect(fixture.coordinator.commitPendingOffsets([offset], group: "g", by: producer) == .none)
        return producer
    }

    /// What the coordinator writes once a transaction is decided, up to a crash.
    private func writeMarkers(
        commit: Bool,
        of producer: TransactionCoordinator.Producer,
        to partitions: [KafkaTopicPartition],
        _ fixture: Fixture
    ) throws {
        for partition in partitions {
            try fixture.log(partition).appendMarker(
                producerID: producer.producerID,
                producerEpoch: producer.producerEpoch,
                commit: commit,
                coordinatorEpoch: 0
            )
        }
    }

    /// Both partitions closed with the same outcome, and the offset committed only with a commit.
    private func expectEnded(_ fixture: Fixture, committed: Bool) throws {
        for partition in [Fixture.p0, Fixture.p1] {
            let log = fixture.log(partition)
            #expect(log.lastStableOffset == log.logEndOffset, "\(partition) still has an open transaction")
            let aborted = log.abortedTransactions(from: 0, to: log.logEndOffset)
            #expect(aborted.count == (committed ? 0 : 1), "\(partition): \(aborted)")
        }
        #expect(try fixture.store.committedOffsets(group: "g").map(\.offset) == (committed ? [7] : []))
        #expect(try fixture.store.pendingOffsetPartitions(group: "g").isEmpty)
        #expect(fixture.coordinator.metadata(of: "a")?.state == (committed ? .completeCommit : .completeAbort))
    }

    @Test func aCrashBeforeTheDecisionAbortsTheTransactionWhenItTimesOut() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = try ongoing(fixture)
        try fixture.restart()
        #expect(fixture.coordinator.metadata(of: "a")?.state == .ongoing)
        fixture.advance(milliseconds: 10_001)
        #expect(fixture.coordinator.abortExpiredTransactions() == ["a"])
        try expectEnded(fixture, committed: false)
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .producerFenced)
    }

    @Test(arguments: [true, false])
    func aCrashAfterTheDecisionBeforeAnyMarkerCompletesItAtRestart(commit: Bool) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try ongoing(fixture)
        let metadata = try #require(fixture.coordinator.metadata(of: "a"))
        try fixture.store.saveTransaction(metadata.preparing(commit: commit, at: 0))
        try fixture.restart()
        try expectEnded(fixture, committed: commit)
    }

    @Test(arguments: [true, false])
    func aCrashBetweenMarkersCompletesTheOtherPartitionsAtRestart(commit: Bool) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = try ongoing(fixture)
        let metadata = try #require(fixture.coordinator.metadata(of: "a"))
        try fixture.store.saveTransaction(metadata.preparing(commit: commit, at: 0))
        try writeMarkers(commit: commit, of: producer, to: [Fixture.p0], fixture)
        try fixture.restart()
        try expectEnded(fixture, committed: commit)
        // The partition that had its marker got a second one, which closes nothing.
        #expect(fixture.log(Fixture.p0).logEndOffset == 3)
    }

    @Test func aCrashAfterEveryMarkerBeforeTheCompletionCommitsTheOffsetsAtRestart() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = try ongoing(fixture)
        let metadata = try #require(fixture.coordinator.metadata(of: "a"))
        try fixture.store.saveTransaction(metadata.preparing(commit: true, at: 0))
        try writeMarkers(commit: true, of: producer, to: [Fixture.p0, Fixture.p1], fixture)
        try fixture.restart()
        try expectEnded(fixture, committed: true)
    }

    @Test func aCrashBetweenTheOffsetsAndTheCompletionCompletesItAtRestart() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = try ongoing(fixture)
        let metadata = try #require(fixture.coordinator.metadata(of: "a"))
        let prepared = metadata.preparing(commit: true, at: 0)
        try fixture.store.saveTransaction(prepared)
        try writeMarkers(commit: true, of: producer, to: [Fixture.p0, Fixture.p1], fixture)
        // The offsets are committed in the database, and the state log still says PrepareCommit.
        try fixture.store.completeTransaction(prepared.completed(at: 1), previous: prepared, commitOffsets: true)
        try fixture.store.saveTransaction(prepared)
        try fixture.restart()
        try expectEnded(fixture, committed: true)
    }

    @Test func aCompletedTransactionStaysCompleteAcrossARestart() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = try ongoing(fixture)
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        let ends = [Fixture.p0, Fixture.p1].map { fixture.log($0).logEndOffset }
        try fixture.restart()
        try expectEnded(fixture, committed: true)
        #expect([Fixture.p0, Fixture.p1].map { fixture.log($0).logEndOffset } == ends)
        // The producer carries on with its epoch.
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: producer) == .none)
    }

    // A transaction that commits no offsets stores its completion later (TransactionTable).

    /// A transaction of `producer` on both partitions, one record each, without offsets.
    private func partitionsOnly(_ fixture: Fixture, _ producer: TransactionCoordinator.Producer, sequence: Int32) throws
    {
        #expect(fixture.coordinator.addPartitions([Fixture.p0, Fixture.p1], by: producer) == .none)
        #expect(try fixture.produce(producer, to: Fixture.p0, sequence: sequence) == .none)
        #expect(try fixture.produce(producer, to: Fixture.p1, sequence: sequence) == .none)
    }

    private func storedState(_ fixture: Fixture) throws -> TransactionState? {
        try fixture.store.transactions().first { $0.transactionalID == "a" }?.state
    }

    @Test(arguments: [true, false])
    func aCrashBeforeACompletionWithoutOffsetsIsStoredEndsTheSame(commit: Bool) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        try partitionsOnly(fixture, producer, sequence: 0)
        #expect(fixture.coordinator.endTransaction(commit: commit, by: producer) == .none)
        #expect(fixture.coordinator.metadata(of: "a")?.state == (commit ? .completeCommit : .completeAbort))
        #expect(try storedState(fixture) == (commit ? .prepareCommit : .prepareAbort))
        try fixture.restart()
        for partition in [Fixture.p0, Fixture.p1] {
            let log = fixture.log(partition)
            #expect(log.lastStableOffset == log.logEndOffset)
            #expect(log.abortedTransactions(from: 0, to: log.logEndOffset).count == (commit ? 0 : 1))
        }
        #expect(fixture.coordinator.metadata(of: "a")?.state == (commit ? .completeCommit : .completeAbort))
        // The producer carries on with its epoch, and its next transaction commits.
        try partitionsOnly(fixture, producer, sequence: 1)
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        #expect(fixture.log(Fixture.p0).lastStableOffset == fixture.log(Fixture.p0).logEndOffset)
    }

    @Test func theNextTransactionIsStoredBeforeItWritesSoARestartLeavesItOpen() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a", timeoutMs: 10_000)
        try partitionsOnly(fixture, producer, sequence: 0)
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        try partitionsOnly(fixture, producer, sequence: 1)
        #expect(try storedState(fixture) == .ongoing)
        let ends = [Fixture.p0, Fixture.p1].map { fixture.log($0).logEndOffset }
        try fixture.restart()
        // No marker was written again: the second transaction's records stay open, not committed.
        #expect([Fixture.p0, Fixture.p1].map { fixture.log($0).logEndOffset } == ends)
        #expect(fixture.log(Fixture.p0).lastStableOffset == 2)
        #expect(fixture.coordinator.metadata(of: "a")?.state == .ongoing)
        fixture.advance(milliseconds: 10_001)
        #expect(fixture.coordinator.abortExpiredTransactions() == ["a"])
        let log = fixture.log(Fixture.p0)
        #expect(log.lastStableOffset == log.logEndOffset)
        #expect(log.abortedTransactions(from: 0, to: log.logEndOffset).count == 1)
    }

    @Test func thePeriodicTaskStoresCompletionsSoARestartWritesNoMarker() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        try partitionsOnly(fixture, producer, sequence: 0)
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        #expect(fixture.coordinator.abortExpiredTransactions().isEmpty)
        #expect(try storedState(fixture) == .completeCommit)
        #expect(try fixture.store.transactions().first?.partitions.isEmpty == true)
        let ends = [Fixture.p0, Fixture.p1].map { fixture.log($0).logEndOffset }
        try fixture.restart()
        #expect([Fixture.p0, Fixture.p1].map { fixture.log($0).logEndOffset } == ends)
        #expect(fixture.coordinator.metadata(of: "a")?.state == .completeCommit)
    }
}

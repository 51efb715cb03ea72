import KafkaWire
import Testing

@testable import MiniBroker

@Suite("Transaction coordinator")
struct TransactionCoordinatorTests {
    typealias Fixture = CoordinatorFixture

    @Test func aCommitWritesACommitMarkerToEveryPartitionAndFreesTheLastStableOffset() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        #expect(producer.producerEpoch == 0)
        #expect(fixture.coordinator.addPartitions([Fixture.p0, Fixture.p1], by: producer) == .none)
        try fixture.produce(producer, to: Fixture.p0, sequence: 0)
        try fixture.produce(producer, to: Fixture.p1, sequence: 0)
        #expect(fixture.log(Fixture.p0).lastStableOffset == 0)
        #expect(fixture.coordinator.metadata(of: "a")?.state == .ongoing)

        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        for partition in [Fixture.p0, Fixture.p1] {
            let log = fixture.log(partition)
            #expect(log.logEndOffset == 2)  // the record and the marker
            #expect(log.lastStableOffset == 2)
            #expect(log.abortedTransactions(from: 0, to: 2).isEmpty)
        }
        #expect(fixture.coordinator.metadata(of: "a")?.state == .completeCommit)
        // Retrying the same EndTxn succeeds; the opposite outcome is refused.
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        #expect(fixture.coordinator.endTransaction(commit: false, by: producer) == .invalidTxnState)
    }

    @Test func anAbortIsListedAsAnAbortedTransactionOfEachPartition() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: producer) == .none)
        try fixture.produce(producer, to: Fixture.p0, sequence: 0)
        #expect(fixture.coordinator.endTransaction(commit: false, by: producer) == .none)
        let log = fixture.log(Fixture.p0)
        #expect(log.abortedTransactions(from: 0, to: 2).map(\.producerID) == [producer.producerID])
        #expect(fixture.coordinator.metadata(of: "a")?.state == .completeAbort)
    }

    @Test func dataOutsideTheTransactionsPartitionsIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        #expect(try fixture.produce(producer, to: Fixture.p0, sequence: 0) == .invalidTxnState)
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: producer) == .none)
        #expect(try fixture.produce(producer, to: Fixture.p1, sequence: 0) == .invalidTxnState)
        #expect(fixture.log(Fixture.p1).logEndOffset == 0)
        #expect(try fixture.produce(producer, to: Fixture.p0, sequence: 0) == .none)
    }

    @Test func aNewInstanceFencesTheOldOneAndAbortsItsTransaction() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let old = fixture.initProducer("a")
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: old) == .none)
        try fixture.produce(old, to: Fixture.p0, sequence: 0)

        let new = fixture.initProducer("a")
        #expect(new.producerID == old.producerID)
        #expect(new.producerEpoch == old.producerEpoch + 2)  // one bump fences and aborts, one is the new one's
        let log = fixture.log(Fixture.p0)
        #expect(log.lastStableOffset == log.logEndOffset)
        #expect(log.abortedTransactions(from: 0, to: log.logEndOffset).count == 1)
        #expect(fixture.coordinator.addPartitions([Fixture.p1], by: old) == .producerFenced)
        #expect(fixture.coordinator.endTransaction(commit: true, by: old) == .producerFenced)
        #expect(try fixture.produce(old, to: Fixture.p0, sequence: 1) == .invalidProducerEpoch)
        #expect(fixture.coordinator.addPartitions([Fixture.p1], by: new) == .none)
    }

    @Test func aRetriedInitProducerIdGetsTheEpochItsLostAnswerCarried() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let first = fixture.initProducer("a")
        let bumped = fixture.coordinator.initProducerID(
            .init(transactionalID: "a", timeoutMs: 60_000, producerID: first.producerID, producerEpoch: 0)
        )
        #expect(bumped.producerEpoch == 1)
        let retried = fixture.coordinator.initProducerID(
            .init(transactionalID: "a", timeoutMs: 60_000, producerID: first.producerID, producerEpoch: 0)
        )
        #expect(retried == bumped)
        let stranger = fixture.coordinator.initProducerID(
            .init(transactionalID: "a", timeoutMs: 60_000, producerID: first.producerID + 99, producerEpoch: 1)
        )
        #expect(stranger.error == .producerFenced)
    }

    @Test func requestsWithBadTimeoutsOrUnknownIdsAreRefused() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect(
            fixture.coordinator.initProducerID(.init(transactionalID: "a", timeoutMs: 0)).error
                == .invalidTransactionTimeout
        )
        #expect(
            fixture.coordinator.initProducerID(.init(transactionalID: "a", timeoutMs: 900_001)).error
                == .invalidTransactionTimeout
        )
        #expect(
            fixture.coordinator.initProducerID(.init(transactionalID: "", timeoutMs: 1000)).error == .invalidRequest
        )
        let unknown = TransactionCoordinator.Producer(transactionalID: "nobody", producerID: 1, producerEpoch: 0)
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: unknown) == .invalidProducerIdMapping)
        #expect(fixture.coordinator.endTransaction(commit: true, by: unknown) == .invalidProducerIdMapping)
        let idle = fixture.initProducer("b")
        #expect(fixture.coordinator.endTransaction(commit: true, by: idle) == .invalidTxnState)
    }

    @Test func anExpiredTransactionIsAbortedAndItsProducerFenced() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a", timeoutMs: 5_000)
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: producer) == .none)
        try fixture.produce(producer, to: Fixture.p0, sequence: 0)
        fixture.advance(milliseconds: 5_000)
        #expect(fixture.coordinator.abortExpiredTransactions().isEmpty)
        fixture.advance(milliseconds: 1)
        #expect(fixture.coordinator.abortExpiredTransactions() == ["a"])
        let log = fixture.log(Fixture.p0)
        #expect(log.lastStableOffset == log.logEndOffset)
        #expect(log.abortedTransactions(from: 0, to: log.logEndOffset).count == 1)
        #expect(fixture.coordinator.metadata(of: "a")?.state == .completeAbort)
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .producerFenced)
    }

    @Test func aDecidedTransactionGetsEachMarkerOnce() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        #expect(fixture.coordinator.addPartitions([Fixture.p0, Fixture.p1], by: producer) == .none)
        try fixture.produce(producer, to: Fixture.p0, sequence: 0)
        try fixture.produce(producer, to: Fixture.p1, sequence: 0)
        let ends = [fixture.log(Fixture.p0).logEndOffset, fixture.log(Fixture.p1).logEndOffset]
        func currentEnds() -> [Int64] { [fixture.log(Fixture.p0).logEndOffset, fixture.log(Fixture.p1).logEndOffset] }
        // Decided (as EndTxn decides) and not completed yet: its request is writing the markers.
        let now = fixture.clock.now
        fixture.coordinator.transactions.withLock { $0.setInMemory($0["a"]!.preparing(commit: true, at: now)) }
        #expect(fixture.coordinator.abortExpiredTransactions().isEmpty)
        #expect(currentEnds() == ends, "a transaction decided a moment ago is its request's to complete")
        _ = fixture.coordinator.completing.withLock { $0.insert("a") }
        fixture.advance(milliseconds: TransactionCoordinator.markerRetryDelayMilliseconds)
        _ = fixture.coordinator.abortExpiredTransactions()
        #expect(currentEnds() == ends, "markers another writer is writing are not written again")
        _ = fixture.coordinator.completing.withLock { $0.remove("a") }
        _ = fixture.coordinator.abortExpiredTransactions()
        #expect(currentEnds() == ends.map { $0 + 1 })
        #expect(fixture.coordinator.metadata(of: "a")?.state == .completeCommit)
        _ = fixture.coordinator.abortExpiredTransactions()
        #expect(currentEnds() == ends.map { $0 + 1 })
    }

    @Test func transactionalOffsetsStayPendingUntilTheCommitAndVanishOnAbort() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        let offset = CommittedOffset(group: "g", topic: "t", partition: 0, offset: 42, commitTime: 1)
        #expect(fixture.coordinator.commitPendingOffsets([offset], group: "g", by: producer) == .invalidTxnState)
        #expect(fixture.coordinator.addOffsets(group: "g", by: producer) == .none)
        #expect(fixture.coordinator.commitPendingOffsets([offset], group: "g", by: producer) == .none)
        #expect(try fixture.store.committedOffsets(group: "g").isEmpty)
        #expect(try fixture.store.pendingOffsetPartitions(group: "g") == [Fixture.p0])
        #expect(fixture.coordinator.endTransaction(commit: true, by: producer) == .none)
        #expect(try fixture.store.committedOffsets(group: "g").map(\.offset) == [42])
        #expect(try fixture.store.pendingOffsetPartitions(group: "g").isEmpty)

        #expect(fixture.coordinator.addOffsets(group: "g", by: producer) == .none)
        var later = offset
        later.offset = 50
        #expect(fixture.coordinator.commitPendingOffsets([later], group: "g", by: producer) == .none)
        #expect(fixture.coordinator.endTransaction(commit: false, by: producer) == .none)
        #expect(try fixture.store.committedOffsets(group: "g").map(\.offset) == [42])
        #expect(try fixture.store.pendingOffsetPartitions(group: "g").isEmpty)
    }

    @Test func anIdIdleForSevenDaysIsForgottenAndAnOpenOneIsNot() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let idle = fixture.initProducer("idle")
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: idle) == .none)
        #expect(try fixture.produce(idle, to: Fixture.p0, sequence: 0) == .none)
        #expect(fixture.coordinator.endTransaction(commit: true, by: idle) == .none)
        let open = fixture.initProducer("open", timeoutMs: TransactionCoordinator.maxTimeoutMs)
        #expect(fixture.coordinator.addPartitions([Fixture.p1], by: open) == .none)
        fixture.advance(milliseconds: TransactionCoordinator.idExpirationMs)
        #expect(fixture.coordinator.expireIdleIDs().isEmpty, "not idle for longer than the expiration yet")
        fixture.advance(milliseconds: 1)
        // The completion kept in memory is stored first, then the id is forgotten.
        fixture.coordinator.abortExpiredTransactions()
        #expect(fixture.coordinator.metadata(of: "idle") == nil)
        #expect(try fixture.store.transactions().map(\.transactionalID).contains("idle") == false)
        #expect(fixture.coordinator.addPartitions([Fixture.p0], by: idle) == .invalidProducerIdMapping)
        // The open one timed out long ago and was aborted, not forgotten.
        #expect(fixture.coordinator.metadata(of: "open")?.state == .completeAbort)
        let again = fixture.initProducer("idle")
        #expect(again.producerEpoch == 0 && again.producerID != idle.producerID)
    }

    @Test func thePeriodicTaskLooksForExpiredIdsOnceAnHour() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = fixture.initProducer("a")
        let minute: Int64 = 60_000
        fixture.advance(milliseconds: TransactionCoordinator.idExpirationMs - 30 * minute)
        fixture.coordinator.abortExpiredTransactions()
        fixture.advance(milliseconds: 31 * minute)
        fixture.coordinator.abortExpiredTransactions()
        #expect(fixture.coordinator.metadata(of: "a") != nil, "expired, but the last look was 31 minutes ago")
        fixture.advance(milliseconds: 30 * minute)
        fixture.coordinator.abortExpiredTransactions()
        #expect(fixture.coordinator.metadata(of: "a") == nil)
    }
}

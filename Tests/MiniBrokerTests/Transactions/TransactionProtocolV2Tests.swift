import KafkaWire
import Testing

@testable import MiniBroker

/// KIP-890's second transaction protocol: Produce 12 and TxnOffsetCommit 5 add to the
/// transaction themselves, EndTxn 5 bumps the epoch at every end.
@Suite("Transaction coordinator: the second transaction protocol")
struct TransactionProtocolV2Tests {
    typealias Fixture = CoordinatorFixture

    /// The producer with the id and epoch an EndTxn v5 answered.
    private func next(
        _ producer: TransactionCoordinator.Producer,
        after result: TransactionCoordinator.EndResult
    ) -> TransactionCoordinator.Producer {
        var next = producer
        next.producerID = result.producerID
        next.producerEpoch = result.producerEpoch
        return next
    }

    /// A producer's first transaction (one record on p0), committed: the producer and the answer.
    private func firstCommit(
        in fixture: Fixture
    ) throws -> (TransactionCoordinator.Producer, TransactionCoordinator.EndResult) {
        let producer = fixture.initProducer("a")
        try fixture.produce(producer, to: Fixture.p0, sequence: 0, addsPartition: true)
        return (producer, fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer))
    }

    @Test func aProduceAddsItsPartitionAndEveryEndBumpsTheEpoch() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let first = fixture.initProducer("a")
        #expect(try fixture.produce(first, to: Fixture.p0, sequence: 0, addsPartition: true) == .none)
        #expect(fixture.coordinator.metadata(of: "a")?.partitions == [Fixture.p0])
        #expect(fixture.coordinator.metadata(of: "a")?.state == .ongoing)

        let committed = fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: first)
        #expect(committed == .init(error: .none, producerID: first.producerID, producerEpoch: 1))
        #expect(fixture.log(Fixture.p0).lastStableOffset == 2)

        // The next transaction starts at sequence 0 with the new epoch, on both partitions.
        let second = next(first, after: committed)
        #expect(try fixture.produce(second, to: Fixture.p0, sequence: 0, addsPartition: true) == .none)
        #expect(try fixture.produce(second, to: Fixture.p1, sequence: 0, addsPartition: true) == .none)
        #expect(try fixture.produce(first, to: Fixture.p1, sequence: 1, addsPartition: true) == .invalidProducerEpoch)
        let aborted = fixture.coordinator.endTransactionBumpingEpoch(commit: false, by: second)
        #expect(aborted == .init(error: .none, producerID: first.producerID, producerEpoch: 2))
        #expect(fixture.log(Fixture.p1).abortedTransactions(from: 0, to: 2).map(\.producerID) == [first.producerID])
        #expect(fixture.log(Fixture.p0).lastStableOffset == 4)
    }

    @Test func aRequestsFirstBatchAddsThePartitionsOfItsOtherBatchesInOneStoredChange() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        let before = fixture.stateLogSize
        #expect(
            try fixture.produce(producer, to: Fixture.p0, sequence: 0, addsPartition: true, along: [Fixture.p1])
                == .none
        )
        let afterFirst = fixture.stateLogSize
        #expect(afterFirst > before)
        // The request's second batch finds its partition in the transaction: nothing is stored.
        #expect(try fixture.produce(producer, to: Fixture.p1, sequence: 0, addsPartition: true) == .none)
        #expect(fixture.stateLogSize == afterFirst)
        try fixture.restart()
        #expect(fixture.coordinator.metadata(of: "a")?.partitions == [Fixture.p0, Fixture.p1])
        let committed = fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer)
        #expect(committed.error == .none)
        #expect(fixture.log(Fixture.p1).lastStableOffset == 2)
    }

    @Test func aRetriedEndGetsTheSameAnswerAndOtherEndsAreRefused() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (producer, committed) = try firstCommit(in: fixture)
        #expect(committed.producerEpoch == 1)
        // The answer was lost: the same request again, with the epoch before the bump.
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer) == committed)
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: false, by: producer).error == .invalidTxnState)
        #expect(fixture.log(Fixture.p0).logEndOffset == 2)  // one marker

        // With the new epoch and nothing open, an abort bumps the epoch.
        let bumped = next(producer, after: committed)
        let abort = fixture.coordinator.endTransactionBumpingEpoch(commit: false, by: bumped)
        #expect(abort == .init(error: .none, producerID: producer.producerID, producerEpoch: 2))
        #expect(fixture.log(Fixture.p0).logEndOffset == 2)  // no partition, no marker
        // Two epochs behind is an older instance.
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: false, by: producer).error == .producerFenced)
    }

    @Test func aCommitBeforeItsFirstRecordsIsRetriedUntilTheyArrive() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (producer, answer) = try firstCommit(in: fixture)
        let first = next(producer, after: answer)
        // The next transaction's EndTxn overtakes its batches: retriable, nothing decided.
        let early = fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: first)
        #expect(early.error == .concurrentTransactions)
        #expect(fixture.coordinator.metadata(of: "a")?.producerEpoch == first.producerEpoch)
        try fixture.produce(first, to: Fixture.p0, sequence: 0, addsPartition: true)
        let committed = fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: first)
        #expect(committed == .init(error: .none, producerID: producer.producerID, producerEpoch: 2))
        #expect(fixture.log(Fixture.p0).lastStableOffset == 4)
    }

    @Test func aCommitOvertakenByTheTimeoutsAbortIsFenced() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a", timeoutMs: 1_000)
        try fixture.produce(producer, to: Fixture.p0, sequence: 0, addsPartition: true)
        fixture.advance(milliseconds: 1_001)
        #expect(fixture.coordinator.abortExpiredTransactions() == ["a"])
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer).error == .producerFenced)
        #expect(fixture.log(Fixture.p0).abortedTransactions(from: 0, to: 2).map(\.producerID) == [producer.producerID])
    }

    @Test func theLastEpochGivesANewProducerIDThatARestartKeeps() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var producer = fixture.initProducer("a")
        let old = producer.producerID
        // An id whose epochs are nearly used up.
        try fixture.coordinator.transactions.withLock { table in
            var metadata = table["a"]!
            metadata.producerEpoch = Int16.max - 1
            try fixture.coordinator.persist(metadata, in: &table)
        }
        producer.producerEpoch = Int16.max - 1
        try fixture.produce(producer, to: Fixture.p0, sequence: 0, addsPartition: true)
        let committed = fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer)
        #expect(committed.error == .none)
        #expect(committed.producerID != old)
        #expect(committed.producerEpoch == 0)
        #expect(fixture.log(Fixture.p0).lastStableOffset == 2)
        // A retry presents the old id at the last epoch but one.
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer) == committed)

        try fixture.restart()
        #expect(fixture.coordinator.metadata(of: "a")?.producerID == committed.producerID)
        #expect(fixture.coordinator.metadata(of: "a")?.previousProducerID == old)
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer) == committed)
        let renewed = next(producer, after: committed)
        #expect(try fixture.produce(renewed, to: Fixture.p0, sequence: 0, addsPartition: true) == .none)
    }

    @Test func offsetsAddTheirGroupAndCommitWithTheTransaction() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let producer = fixture.initProducer("a")
        let offset = CommittedOffset(group: "g", topic: "t", partition: 0, offset: 42, commitTime: 1)
        #expect(fixture.coordinator.commitPendingOffsets([offset], group: "g", by: producer, addsGroup: true) == .none)
        #expect(fixture.coordinator.metadata(of: "a")?.groups == ["g"])
        #expect(try fixture.store.committedOffsets(group: "g").isEmpty)
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer).error == .none)
        #expect(try fixture.store.committedOffsets(group: "g").map(\.offset) == [42])
    }

    @Test func aCrashAfterTheDecisionKeepsTheBumpedEpoch() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (producer, committed) = try firstCommit(in: fixture)
        // The completion is kept in memory for a while; the stored decision carries the new epoch.
        try fixture.restart()
        let recovered = fixture.coordinator.metadata(of: "a")
        #expect(recovered?.state == .completeCommit)
        #expect(recovered?.producerEpoch == committed.producerEpoch)
        #expect(fixture.log(Fixture.p0).lastStableOffset == fixture.log(Fixture.p0).logEndOffset)
        #expect(fixture.coordinator.endTransactionBumpingEpoch(commit: true, by: producer) == committed)
    }
}

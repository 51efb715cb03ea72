import KafkaWire

extension TransactionCoordinator {
    /// EndTxn: decides the producer's ongoing transaction (commit or abort), writes its
    /// markers and completes it before answering, so a read_committed consumer sees the
    /// outcome as soon as the producer does. Repeating the last decision is answered with
    /// success (a retry); the opposite one, or ending with no transaction, is INVALID_TXN_STATE.
    func endTransaction(commit: Bool, by producer: Producer) -> KafkaErrorCode {
        let now = clock()
        let decision: EndDecision = transactions.withLock { table in
            let current = table[producer.transactionalID]
            let error = check(
                current,
                producerID: producer.producerID,
                producerEpoch: producer.producerEpoch,
                fenced: producer.fenced
            )
            guard error == .none, let current else { return .refused(error) }
            switch current.state {
            case .ongoing:
                return decide(current.preparing(commit: commit, at: now), in: &table)
            case .completeCommit where commit, .completeAbort where !commit:
                return .decided(nil)
            default:
                return .refused(.invalidTxnState)
            }
        }
        switch decision {
        case .refused(let error):
            return error
        case .decided(let prepared):
            // Once decided, the outcome stands: markers that cannot be written now are
            // written again by `completeDecided`, and the producer is told it succeeded.
            if let prepared { complete(prepared) }
            return .none
        }
    }

    /// EndTxn v5's answer: the producer id and epoch for the producer's next transaction.
    struct EndResult: Equatable, Sendable {
        var error: KafkaErrorCode
        var producerID: Int64 = -1
        var producerEpoch: Int16 = -1
    }

    /// EndTxn v5, KIP-890's second transaction protocol: every end bumps the epoch (the
    /// markers carry the new one) and the answer gives the producer its id and epoch for the
    /// next transaction; the last epoch there is changes the producer id instead. A retry
    /// presents the epoch before the bump (or the previous producer id at the last epoch) and
    /// gets the same answer again. An abort with no transaction open still bumps the epoch;
    /// a commit is answered CONCURRENT_TRANSACTIONS (`earlyCommit`). Otherwise the rules are
    /// those of Kafka's `TransactionCoordinator`.
    func endTransactionBumpingEpoch(commit: Bool, by producer: Producer) -> EndResult {
        let now = clock()
        let decision: EndDecision = transactions.withLock { table in
            guard let current = table[producer.transactionalID], current.state != .dead else {
                return .refused(.invalidProducerIdMapping)
            }
            let step = Self.endStep(current, commit: commit, producer: producer)
            switch step {
            case .refuse(let error):
                // The request handler logs the refusal; this says what the id's state was.
                logger.debug(
                    """
                    EndTxn (\(commit ? "commit" : "abort")) of '\(producer.transactionalID)' by producer \
                    \(producer.producerID) epoch \(producer.producerEpoch) refused (\(error)): the id is \
                    \(current.state) at producer \(current.producerID) epoch \(current.producerEpoch)
                    """
                )
                return .refused(error)
            case .answerCurrent:
                return .decided(nil)
            case .decide:
                return decide(current.preparingWithBump(commit: commit, at: now), in: &table)
            }
        }
        switch decision {
        case .refused(let error):
            return EndResult(error: error)
        case .decided(let prepared):
            // The answer names the completed state: a transaction whose markers could not all
            // be written is retried by the client (CONCURRENT_TRANSACTIONS) until it is.
            if let prepared, !complete(prepared) { return EndResult(error: .concurrentTransactions) }
            return transactions.withLock { table in
                guard let current = table[producer.transactionalID], current.state.isIdle else {
                    return EndResult(error: .concurrentTransactions)
                }
                return EndResult(error: .none, producerID: current.producerID, producerEpoch: current.producerEpoch)
            }
        }
    }

    private enum EndStep: Equatable {
        case refuse(KafkaErrorCode)
        /// A retry of the end that completed the transaction: answered with the state as it is.
        case answerCurrent
        /// Prepare the transaction's end with a bumped epoch.
        case decide
    }

    /// What EndTxn v5 does with `current`, as Kafka's coordinator decides it for the second
    /// transaction protocol.
    private static func endStep(_ current: TransactionMetadata, commit: Bool, producer: Producer) -> EndStep {
        let retryAfterNewProducerID =
            current.previousProducerID == producer.producerID && producer.producerEpoch == Int16.max - 1
            && current.producerEpoch == 0
        let retryAfterBump =
            current.producerID == producer.producerID
            && Int32(current.producerEpoch) == Int32(producer.producerEpoch) + 1
        guard current.producerID == producer.producerID || retryAfterNewProducerID else {
            return .refuse(.invalidProducerIdMapping)
        }
        let isRetry = retryAfterBump || retryAfterNewProducerID
        let sameEpoch = current.producerEpoch == producer.producerEpoch && current.producerID == producer.producerID
        switch current.state {
        case .ongoing, .empty, .dead, .prepareEpochFence:
            guard sameEpoch else { return .refuse(producer.fenced) }
        case .prepareCommit, .prepareAbort:
            guard retryAfterBump else { return .refuse(producer.fenced) }
            return .refuse(
                current.state == (commit ? .prepareCommit : .prepareAbort) ? .concurrentTransactions : .invalidTxnState
            )
        case .completeCommit, .completeAbort:
            guard isRetry || sameEpoch else { return .refuse(producer.fenced) }
        }
        // The last epoch is only ever held by a decided transaction, which changes the
        // producer id as it completes; there is no epoch above it to bump to.
        guard current.producerEpoch < Int16.max else { return .refuse(.concurrentTransactions) }
        switch current.state {
        case .ongoing:
            return .decide
        case .completeCommit:
            if commit { return isRetry ? .answerCurrent : earlyCommit }
            return isRetry ? .refuse(.invalidTxnState) : .decide
        case .completeAbort:
            // A commit at the epoch before an abort's bump: the coordinator aborted the
            // transaction (its timeout) while the commit was on its way. The producer is
            // fenced, as with the first protocol (Kafka's KAFKA-20785).
            if commit { return isRetry ? .refuse(producer.fenced) : earlyCommit }
            return isRetry ? .answerCurrent : .decide
        default:
            // Empty: an abort of nothing bumps the epoch.
            return commit ? earlyCommit : .decide
        }
    }

    /// A commit at the current epoch with no transaction open. Kafka answers INVALID_TXN_STATE,
    /// which is fatal for the producer; but the Java client (4.x) can send its EndTxn before
    /// the transaction's first batches when its sender thread checks for unsent batches just
    /// before the application adds them and commits (`Sender` reads `hasIncomplete()` before
    /// taking the next transactional request), about once in 20,000 short transactions. Told
    /// CONCURRENT_TRANSACTIONS, it retries once its batches are acknowledged, and they open the
    /// transaction. A client committing a transaction it never wrote to retries until its own
    /// timeout; the Java client sends no EndTxn then.
    private static let earlyCommit = EndStep.refuse(.concurrentTransactions)

    /// Stores a transaction's decided end: COORDINATOR_NOT_AVAILABLE when it cannot be.
    private func decide(_ prepared: TransactionMetadata, in table: inout TransactionTable) -> EndDecision {
        do {
            try persist(prepared, in: &table)
            return .decided(prepared)
        } catch {
            logger.error("the end of transaction '\(prepared.transactionalID)' could not be stored: \(error)")
            return .refused(.coordinatorNotAvailable)
        }
    }

    private enum EndDecision {
        case refused(KafkaErrorCode)
        /// The transaction to complete; nil when a retry finds it complete already.
        case decided(TransactionMetadata?)
    }

    /// Writes the markers of a decided transaction and completes it. Returns false when a
    /// marker could not be written, or when another request or task is writing them now; the
    /// transaction then stays decided for a later attempt.
    @discardableResult
    func complete(_ prepared: TransactionMetadata) -> Bool {
        guard completing.withLock({ $0.insert(prepared.transactionalID).inserted }) else { return false }
        defer { _ = completing.withLock { $0.remove(prepared.transactionalID) } }
        let commit = prepared.state == .prepareCommit
        let marker: MarkerBatch
        do {
            marker = try MarkerBatch(
                commit: commit,
                coordinatorEpoch: Self.coordinatorEpoch,
                producerID: prepared.producerID,
                producerEpoch: prepared.producerEpoch,
                // The log's clock, as for any batch it stamps; the coordinator's may be a test's.
                timestamp: PartitionLog.currentTimeMilliseconds()
            )
        } catch {
            logger.error("the markers of '\(prepared.transactionalID)' could not be encoded: \(error)")
            return false
        }
        for partition in prepared.partitions.sorted() {
            guard writeMarker(marker, of: prepared, to: partition) else { return false }
        }
        onMarkersWritten()
        let now = clock()
        return transactions.withLock { table in
            // Only the request or task that decided the transaction completes it.
            guard table[prepared.transactionalID] == prepared else { return true }
            let outcome = commit ? "committed" : "aborted"
            logger.debug(
                "transaction of '\(prepared.transactionalID)' \(outcome) on \(prepared.partitions.count) partitions"
            )
            var completed = prepared.completed(at: now)
            // Offsets become visible only once stored, and a new producer id must not be
            // given out before it is; otherwise the completion can wait.
            guard !prepared.groups.isEmpty || prepared.completionChangesProducerID else {
                table.completeInMemory(completed, decided: prepared)
                return true
            }
            do {
                if prepared.completionChangesProducerID {
                    completed.changeProducerID(to: try store.allocateProducerID())
                }
                try store.completeTransaction(completed, previous: prepared, commitOffsets: commit)
                table.didStore(completed)
                return true
            } catch {
                logger.error(
                    "the completion of transaction '\(prepared.transactionalID)' could not be stored: \(error)"
                )
                return false
            }
        }
    }

    /// Stores the completions kept in memory only; a failure leaves them for the next call
    /// (until then a restart writes their markers again, which changes nothing).
    func storeCompletions() {
        transactions.withLock { table in
            let unstored = table.unstoredCompletions
            guard !unstored.isEmpty else { return }
            do {
                try store.saveCompletions(unstored.map(\.completed))
                for (completed, _) in unstored { table.didStore(completed) }
            } catch {
                logger.error("the completions of \(unstored.count) transactions could not be stored: \(error)")
            }
        }
    }

    /// Writes one marker; a partition that no longer exists needs none, and a producer epoch
    /// the partition has already seen pass (an administrator's abort, WriteTxnMarkers) means
    /// a newer marker is there. Other failures (a full disk) leave the transaction decided.
    private func writeMarker(
        _ marker: MarkerBatch,
        of prepared: TransactionMetadata,
        to partition: KafkaTopicPartition
    )
        -> Bool
    {
        guard let log = topics.log(topic: partition.topic, partition: partition.partition) else { return true }
        do {
            try log.appendMarker(marker)
            return true
        } catch let error as StorageError where error.code == .invalidProducerEpoch {
            logger.warning("marker of '\(prepared.transactionalID)' not written to \(partition): \(error.message)")
            return true
        } catch {
            logger.error("marker of '\(prepared.transactionalID)' could not be written to \(partition): \(error)")
            return false
        }
    }

    /// How long a decided transaction is left to the request that decided it before the
    /// periodic task writes its markers.
    static let markerRetryDelayMilliseconds: Int64 = 2_000

    /// Forgets the ids with no transaction open that have not changed for
    /// `idExpirationMs`, as Kafka does; their producers' next requests are answered
    /// INVALID_PRODUCER_ID_MAPPING, and InitProducerId starts them afresh. Returns them.
    @discardableResult
    func expireIdleIDs() -> [String] {
        let now = clock()
        return transactions.withLock { table in
            let idle = table.values.filter {
                $0.state.isIdle && now - $0.updateTimeMs > Self.idExpirationMs
                    && table.stored($0.transactionalID) == $0
            }.map(\.transactionalID)
            guard !idle.isEmpty else { return [] }
            do {
                try store.deleteTransactions(idle)
                table.remove(idle)
                logger.info("forgot \(idle.count) transactional ids idle for more than 7 days")
                return idle
            } catch {
                logger.error("expired transactional ids could not be removed: \(error)")
                return []
            }
        }
    }

    /// Whether an hour (`idExpiryCheckIntervalMs`) has passed since ids were last looked at
    /// for expiry; if so, now counts as the last time.
    private func expiryCheckIsDue(at now: Int64) -> Bool {
        lastExpiryCheckMs.withLock { last in
            if let last, now - last < Self.idExpiryCheckIntervalMs { return false }
            last = now
            return true
        }
    }

    /// Aborts every ongoing transaction older than its timeout, fencing its producer,
    /// completes decided transactions whose markers could not all be written, stores the
    /// completions kept in memory and, once an hour, forgets long idle ids. The broker calls
    /// it every second. Returns the transactional ids it aborted.
    @discardableResult
    func abortExpiredTransactions() -> [String] {
        storeCompletions()
        let now = clock()
        if expiryCheckIsDue(at: now) { expireIdleIDs() }
        let (expired, decided) = transactions.withLock { table in
            var expired: [TransactionMetadata] = []
            for metadata in table.values where metadata.hasExpired(at: now) {
                let prepared = fenceAndAbort(metadata, at: now)
                do {
                    try persist(prepared, in: &table)
                    expired.append(prepared)
                } catch {
                    logger.error(
                        "the timeout of transaction '\(metadata.transactionalID)' could not be stored: \(error)"
                    )
                }
            }
            // A transaction decided a moment ago is being completed by the request that decided
            // it; this task is for those whose markers could not all be written.
            let decided = table.values.filter {
                $0.state.isPreparing && !expired.contains($0)
                    && now - $0.updateTimeMs >= Self.markerRetryDelayMilliseconds
            }
            return (expired, decided)
        }
        for prepared in expired {
            logger.info(
                """
                transaction of '\(prepared.transactionalID)' (producer \(prepared.producerID)) timed out after \
                \(prepared.timeoutMs) ms: aborted on \(prepared.partitions.count) partitions
                """
            )
            complete(prepared)
        }
        for prepared in decided { complete(prepared) }
        return expired.map(\.transactionalID)
    }

    /// After a restart: finishes every transaction whose outcome was decided before the stop.
    /// Ongoing ones stay open until their producer ends them or their timeout passes.
    func recover() {
        let decided = transactions.withLock { table in table.values.filter { $0.state.isPreparing } }
        for prepared in decided {
            let outcome = prepared.state == .prepareCommit ? "commit" : "abort"
            logger.info(
                "completing the \(outcome) of transaction '\(prepared.transactionalID)' decided before the stop"
            )
            complete(prepared)
        }
    }
}

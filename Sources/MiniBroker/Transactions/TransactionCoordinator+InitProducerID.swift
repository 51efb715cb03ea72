import KafkaWire

extension TransactionCoordinator {
    /// What InitProducerId asked for a transactional id.
    struct InitRequest: Sendable {
        var transactionalID: String
        var timeoutMs: Int32
        /// The id and epoch the producer has (KIP-360, v3+), -1 when it has none.
        var producerID: Int64 = -1
        var producerEpoch: Int16 = -1
        /// PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH for versions older than it (v < 4).
        var fenced: KafkaErrorCode = .producerFenced
    }

    /// InitProducerId's answer.
    struct InitResult: Equatable, Sendable {
        var error: KafkaErrorCode
        var producerID: Int64 = -1
        var producerEpoch: Int16 = -1
    }

    /// InitProducerId with a transactional id, as Kafka's coordinator answers it: a new id gets
    /// a new producer id at epoch 0; a known one the next epoch, which fences the instance that
    /// had it. A transaction that instance left open is aborted first, with a bumped epoch.
    func initProducerID(_ request: InitRequest) -> InitResult {
        guard !request.transactionalID.isEmpty else { return InitResult(error: .invalidRequest) }
        guard request.timeoutMs > 0, request.timeoutMs <= Self.maxTimeoutMs else {
            return InitResult(error: .invalidTransactionTimeout)
        }
        // At most one abort: after it the id is idle, unless another request got in between.
        for _ in 0..<2 {
            switch decideInit(request) {
            case .answer(let result):
                return result
            case .abortFirst(let prepared):
                complete(prepared)
            }
        }
        return InitResult(error: .concurrentTransactions)
    }

    private enum InitStep {
        case answer(InitResult)
        /// An ongoing transaction was decided aborted (its epoch bumped); write its markers,
        /// then decide again.
        case abortFirst(TransactionMetadata)
    }

    private func decideInit(_ request: InitRequest) -> InitStep {
        let now = clock()
        return transactions.withLock { table in
            do {
                guard let current = table[request.transactionalID], current.state != .dead else {
                    let metadata = TransactionMetadata(
                        transactionalID: request.transactionalID,
                        producerID: try store.allocateProducerID(),
                        producerEpoch: 0,
                        timeoutMs: request.timeoutMs,
                        updateTimeMs: now
                    )
                    try persist(metadata, in: &table)
                    logger.info(
                        "transactional id '\(request.transactionalID)': producer \(metadata.producerID) epoch 0"
                    )
                    return .answer(InitResult(error: .none, producerID: metadata.producerID, producerEpoch: 0))
                }
                if current.state.isPreparing { return .answer(InitResult(error: .concurrentTransactions)) }
                if request.producerID >= 0 {
                    if let answer = recoveryAnswer(current, request) { return .answer(answer) }
                }
                if current.state == .ongoing {
                    let prepared = fenceAndAbort(current, at: now)
                    try persist(prepared, in: &table)
                    logger.info(
                        """
                        transactional id '\(request.transactionalID)': a new instance aborts the transaction of \
                        producer \(current.producerID) epoch \(current.producerEpoch)
                        """
                    )
                    return .abortFirst(prepared)
                }
                let next = try nextEpoch(of: current, timeoutMs: request.timeoutMs, at: now)
                try persist(next, in: &table)
                return .answer(InitResult(error: .none, producerID: next.producerID, producerEpoch: next.producerEpoch))
            } catch {
                logger.error("InitProducerId of '\(request.transactionalID)' could not be stored: \(error)")
                return .answer(InitResult(error: .coordinatorNotAvailable))
            }
        }
    }

    /// KIP-360: a producer that presents its id and epoch may only bump its own current
    /// epoch; presenting the epoch before the last bump is a retry whose answer was lost,
    /// answered with the current epoch. Anything else is an older, fenced instance. nil: go on.
    private func recoveryAnswer(_ current: TransactionMetadata, _ request: InitRequest) -> InitResult? {
        guard request.producerID == current.producerID else { return InitResult(error: request.fenced) }
        if request.producerEpoch == current.producerEpoch { return nil }
        if request.producerEpoch == current.lastProducerEpoch, current.state.isIdle {
            return InitResult(error: .none, producerID: current.producerID, producerEpoch: current.producerEpoch)
        }
        return InitResult(error: request.fenced)
    }

    /// The id's metadata for a new producer instance: the next epoch, or a new producer id
    /// when the epochs are used up; no transaction open.
    func nextEpoch(of current: TransactionMetadata, timeoutMs: Int32, at now: Int64) throws -> TransactionMetadata {
        var next = current
        if current.isEpochExhausted {
            next.changeProducerID(to: try store.allocateProducerID())
        } else {
            next.lastProducerEpoch = current.producerEpoch
            next.producerEpoch = current.producerEpoch + 1
        }
        next.timeoutMs = timeoutMs
        next.state = .empty
        next.partitions = []
        next.groups = []
        next.startTimeMs = -1
        next.updateTimeMs = now
        return next
    }

    /// An ongoing transaction decided aborted with the epoch bumped, so the producer that
    /// opened it is fenced: its markers carry the new epoch, and its next request the old one.
    func fenceAndAbort(_ current: TransactionMetadata, at now: Int64) -> TransactionMetadata {
        var fenced = current.preparing(commit: false, at: now)
        if !current.isEpochExhausted {
            fenced.lastProducerEpoch = current.producerEpoch
            fenced.producerEpoch = current.producerEpoch + 1
        }
        return fenced
    }
}

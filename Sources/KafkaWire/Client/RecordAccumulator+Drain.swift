/// What the sender should do next.
struct SenderPlan: Sendable {
    /// Batches to send, by leader node; each node's list becomes one Produce request.
    var requests: [Int32: [ProducerBatch]] = [:]
    /// When the next lingering batch or retry becomes due.
    var wakeAt: ContinuousClock.Instant?
    /// Topics whose partitions have no known leader.
    var staleTopics: [String] = []
    /// The idempotent producer needs a (new) producer id or epoch before sending.
    var needsProducerID = false
    /// `close` was called and everything is answered.
    var finished = false
}

extension RecordAccumulator {
    /// Takes the batches that are due: full ones, lingering ones whose time is up (or all when
    /// a flush waits), retries whose backoff ended; at most one per partition in flight and at
    /// most `maxInFlightRequestsPerBroker` requests per broker.
    mutating func drain(now: ContinuousClock.Instant) -> SenderPlan {
        var plan = SenderPlan()
        if isFinished {
            plan.finished = true
            return plan
        }
        plan.staleTopics = Array(staleTopics)
        staleTopics.removeAll()
        let hasRecords = queues.values.contains { !$0.ready.isEmpty || $0.open != nil }
        if configuration.idempotence, producerID < 0 || needsEpochBump, hasRecords, fatalError == nil {
            plan.needsProducerID = true
            return plan
        }
        for key in Array(queues.keys) {
            guard let batch = takeDueBatch(of: key, now: now, plan: &plan) else { continue }
            plan.requests[leaderNode(of: key)!, default: []].append(batch)
        }
        for node in plan.requests.keys { inFlightRequests[node, default: 0] += 1 }
        return plan
    }

    private func leaderNode(of key: KafkaTopicPartition) -> Int32? {
        guard let node = topics[key.topic]?.leaders[key.partition], node >= 0 else { return nil }
        return node
    }

    private mutating func takeDueBatch(
        of key: KafkaTopicPartition,
        now: ContinuousClock.Instant,
        plan: inout SenderPlan
    ) -> ProducerBatch? {
        guard var queue = queues[key], !queue.inFlight else { return nil }
        guard !queue.ready.isEmpty || (queue.open?.recordCount ?? 0) > 0 else { return nil }
        if queue.ready.isEmpty, let open = queue.open, open.recordCount > 0 {
            let due = open.createdAt + configuration.linger
            guard due <= now || isUrgent else {
                plan.wakeAt = min(plan.wakeAt ?? due, due)
                return nil
            }
        }
        guard queue.ready.first?.retryAt.map({ $0 <= now }) ?? true else {
            let due = queue.ready.first!.retryAt!
            plan.wakeAt = min(plan.wakeAt ?? due, due)
            return nil
        }
        guard let node = leaderNode(of: key) else {
            if !plan.staleTopics.contains(key.topic) { plan.staleTopics.append(key.topic) }
            return nil
        }
        let planned = plan.requests[node] == nil ? 1 : 0
        guard inFlightRequests[node, default: 0] + planned <= configuration.maxInFlightRequestsPerBroker else {
            return nil
        }
        queues[key] = nil  // so the queue's buffers stay uniquely referenced while it changes
        if queue.ready.isEmpty {
            queue.closeOpenBatch()
            if stickyPartitions[key.topic] == key.partition, let count = topics[key.topic]?.partitionCount, count > 0 {
                stickyPartitions[key.topic] = (key.partition + 1) % Int32(count)
            }
        }
        var batch = queue.ready.removeFirst()
        stampSequence(&batch, queue: &queue)
        queue.inFlight = true
        queues[key] = queue
        return batch
    }

    /// Gives a batch its producer id, epoch and first sequence number. A retry under the same
    /// id and epoch keeps its numbers, so the broker recognises a duplicate; after an epoch bump
    /// the batch is renumbered from the partition's new sequence (which restarts at 0).
    mutating func stampSequence(_ batch: inout ProducerBatch, queue: inout PartitionQueue) {
        guard configuration.idempotence else { return }
        if batch.baseSequence >= 0, batch.producerID == producerID, batch.producerEpoch == producerEpoch { return }
        let sequence = queue.takeSequence(count: batch.recordCount)
        batch.stamp(producerID: producerID, epoch: producerEpoch, baseSequence: sequence)
    }

    /// Takes a new producer id or epoch: every partition's sequence restarts at 0 (Kafka's rule
    /// for a new epoch).
    mutating func setProducerIdentity(id: Int64, epoch: Int16) {
        producerID = id
        producerEpoch = epoch
        needsEpochBump = false
        for key in Array(queues.keys) { queues[key]!.nextSequence = 0 }
    }
}

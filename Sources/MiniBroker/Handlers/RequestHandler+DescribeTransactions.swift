import KafkaWire

// The transaction coordinator's state for administrators (KIP-664): kafka-transactions.sh
// describe and list, Admin.describeTransactions and Admin.listTransactions.
extension RequestHandler {
    /// DescribeTransactions v0: each id's producer, state, timeout and partitions; an id
    /// the coordinator does not know gets TRANSACTIONAL_ID_NOT_FOUND. Needs Describe on each
    /// id; topics the principal may not describe are left out of the partitions.
    func describeTransactions(
        _ request: DescribeTransactionsRequest,
        _ context: RequestContext
    ) -> DescribeTransactionsResponse {
        func failed(_ id: String, _ code: KafkaErrorCode) -> DescribeTransactionsResponse.TransactionState {
            DescribeTransactionsResponse.TransactionState(
                errorCode: code.rawValue,
                transactionalId: id,
                transactionState: "",
                transactionTimeoutMs: 0,
                transactionStartTimeMs: -1,
                producerId: -1,
                producerEpoch: -1
            )
        }
        let states = request.transactionalIds.map { id in
            guard authorized(.describe, .transactionalId, id, context) else {
                return failed(id, .transactionalIdAuthorizationFailed)
            }
            guard let metadata = transactions.metadata(of: id), metadata.state != .dead else {
                return failed(id, .transactionalIdNotFound)
            }
            let byTopic = Dictionary(grouping: metadata.partitions, by: \.topic)
            return DescribeTransactionsResponse.TransactionState(
                errorCode: KafkaErrorCode.none.rawValue,
                transactionalId: id,
                transactionState: metadata.state.name,
                transactionTimeoutMs: metadata.timeoutMs,
                transactionStartTimeMs: metadata.startTimeMs,
                producerId: metadata.producerID,
                producerEpoch: metadata.producerEpoch,
                topics: byTopic.keys.sorted().filter { permits(.describe, .topic, $0, context) }.map { topic in
                    DescribeTransactionsResponse.TopicData(
                        topic: topic,
                        partitions: byTopic[topic]!.map(\.partition).sorted()
                    )
                }
            )
        }
        return DescribeTransactionsResponse(throttleTimeMs: 0, transactionStates: states)
    }

    /// ListTransactions v0-1: the known transactional ids, filtered by state names, producer
    /// ids and (v1) how long the transaction has been running; unknown state names are
    /// reported back. Only ids the principal may describe are listed.
    func listTransactions(_ request: ListTransactionsRequest, _ context: RequestContext) -> ListTransactionsResponse {
        let unknown = request.stateFilters.filter { TransactionState(name: $0) == nil }
        let states = Set(request.stateFilters.compactMap(TransactionState.init(name:)))
        let producers = Set(request.producerIdFilters)
        let now = PartitionLog.currentTimeMilliseconds()
        let listed = transactions.snapshot.filter { metadata in
            metadata.state != .dead
                && permits(.describe, .transactionalId, metadata.transactionalID, context)
                && (request.stateFilters.isEmpty || states.contains(metadata.state))
                && (producers.isEmpty || producers.contains(metadata.producerID))
                && (request.durationFilter < 0
                    || (metadata.startTimeMs >= 0 && now - metadata.startTimeMs >= request.durationFilter))
        }
        return ListTransactionsResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            unknownStateFilters: unknown,
            transactionStates: listed.map {
                ListTransactionsResponse.TransactionState(
                    transactionalId: $0.transactionalID,
                    producerId: $0.producerID,
                    transactionState: $0.state.name
                )
            }
        )
    }
}

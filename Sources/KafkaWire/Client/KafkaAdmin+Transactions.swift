// A transaction lives with its coordinator (FindCoordinator key type 1): each broker lists
// only the transactional ids it coordinates, and only it can describe them. So ListTransactions
// goes to every broker, and DescribeTransactions to the broker that listed the ids.
extension KafkaAdmin {
    /// Every transaction the cluster's coordinators know, in every state: open ones first,
    /// the oldest first, then the others by id.
    ///
    /// - Throws: `.unsupportedVersion` saying that the cluster does not serve the transactions
    ///   admin APIs (Kafka before 3.0, brokers without transactions); `.brokerError` for
    ///   another error code.
    public func transactions() async throws -> [TransactionDescription] {
        var found: [TransactionDescription] = []
        for connection in try await everyBroker() {
            try Self.requireTransactionAPIs(connection)
            let ids = try await listTransactionalIDs(on: connection)
            if !ids.isEmpty { found += try await describeTransactions(ids, on: connection) }
        }
        return found.sorted(by: TransactionDescription.listedBefore)
    }

    /// A connection to each broker the metadata names (no topics asked for).
    private func everyBroker() async throws -> [BrokerConnection] {
        let (metadata, _) = try await cluster.refreshMetadata(topics: [])
        var connections: [BrokerConnection] = []
        for node in metadata.brokers.keys.sorted() { connections.append(try await cluster.connection(toNode: node)) }
        return connections
    }

    /// The transactional ids `connection`'s broker coordinates, in every state (no filters).
    private func listTransactionalIDs(on connection: BrokerConnection) async throws -> [String] {
        let response: ListTransactionsResponse = try await connection.send(ListTransactionsRequest(), maximumVersion: 1)
        let code = KafkaErrorCode(rawValue: response.errorCode)
        if code == .unsupportedVersion { throw Self.unsupported(connection) }
        guard code == .none else { throw KafkaClientError.broker(code, "ListTransactions on \(connection.address)") }
        return response.transactionStates.map(\.transactionalId)
    }

    /// The coordinator's description of each of `ids`; an id that ended or moved to another
    /// coordinator since it was listed is left out (the next call finds it where it is).
    private func describeTransactions(
        _ ids: [String],
        on connection: BrokerConnection
    ) async throws -> [TransactionDescription] {
        let response: DescribeTransactionsResponse = try await connection.send(
            DescribeTransactionsRequest(transactionalIds: ids),
            maximumVersion: 0
        )
        var described: [TransactionDescription] = []
        for state in response.transactionStates {
            let code = KafkaErrorCode(rawValue: state.errorCode)
            if Self.goneSinceListed.contains(code) { continue }
            guard code == .none else {
                throw KafkaClientError.broker(code, "DescribeTransactions for \(state.transactionalId)")
            }
            described.append(Self.description(state))
        }
        return described
    }

    /// Codes for an id that ended, or moved to another coordinator, between list and describe.
    private static let goneSinceListed: Set<KafkaErrorCode> = [
        .transactionalIdNotFound, .notCoordinator, .coordinatorLoadInProgress,
    ]

    private static func description(_ state: DescribeTransactionsResponse.TransactionState) -> TransactionDescription {
        TransactionDescription(
            transactionalID: state.transactionalId,
            state: state.transactionState,
            producerID: state.producerId,
            producerEpoch: state.producerEpoch,
            timeoutMs: state.transactionTimeoutMs,
            startTimeMs: state.transactionStartTimeMs,
            partitions: state.topics.flatMap { topic in
                topic.partitions.map { KafkaTopicPartition(topic: topic.topic, partition: $0) }
            }.sorted()
        )
    }

    /// Fails with a message an operator can act on when the broker lacks either API: the
    /// generic "supports versions none" would not say that the cluster, not ASEED, is missing it.
    private static func requireTransactionAPIs(_ connection: BrokerConnection) throws {
        do {
            _ = try connection.negotiatedVersion(for: .listTransactions, cap: 1)
            _ = try connection.negotiatedVersion(for: .describeTransactions, cap: 0)
        } catch let error as KafkaClientError where error.code == .unsupportedVersion {
            throw unsupported(connection)
        }
    }

    private static func unsupported(_ connection: BrokerConnection) -> KafkaClientError {
        KafkaClientError(
            .unsupportedVersion,
            kafkaErrorCode: .unsupportedVersion,
            """
            the cluster at \(connection.address) does not serve the transactions admin APIs (ListTransactions \
            and DescribeTransactions, Kafka 3.0 and later), so its transactions cannot be listed
            """
        )
    }
}

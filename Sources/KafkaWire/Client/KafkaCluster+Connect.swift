import Logging
import NIOCore

extension KafkaCluster {
    /// An open connection to one of `candidates`, reusing a live one, else connecting with
    /// backoff: each round tries every candidate once, then waits (`reconnectBackoff`).
    func connection(to candidates: [BrokerAddress]) async throws -> BrokerConnection {
        for address in candidates {
            if let connection = try? await existingConnection(to: address) { return connection }
        }
        let attempts = max(1, configuration.connectAttempts)
        var lastError: KafkaClientError?
        for attempt in 1...attempts {
            for address in candidates {
                do {
                    return try await connect(to: address)
                } catch let error as KafkaClientError {
                    // Another attempt would be refused the same way: the settings must change.
                    if error.needsOtherSettings { throw error }
                    lastError = error
                }
            }
            if attempt < attempts {
                let delay = configuration.reconnectBackoff.delay(forAttempt: attempt)
                logger.warning(
                    """
                    \(lastError?.message ?? "no broker reachable"); retrying in \(delay.milliseconds) ms (attempt \
                    \(attempt) of \(attempts))
                    """
                )
                try await Task.sleep(for: delay)
            }
        }
        let tried = candidates.map(\.description).joined(separator: ", ")
        throw KafkaClientError(
            .brokerUnreachable,
            """
            no broker reachable among \(tried) after \(attempts) attempts (last: \
            \(lastError?.message ?? "unknown")); check that the broker runs and that the bootstrap servers and \
            advertised addresses are right
            """
        )
    }

    private func existingConnection(to address: BrokerAddress) async throws -> BrokerConnection? {
        guard let task = connections[address] else { return nil }
        let connection = try await task.value
        guard connection.isActive else {
            connections[address] = nil
            return nil
        }
        return connection
    }

    /// One connect attempt, shared by concurrent callers for the same address.
    private func connect(to address: BrokerAddress) async throws -> BrokerConnection {
        guard !isShutDown else {
            throw KafkaClientError(.connectionClosed, "the Kafka client was shut down; create a new one")
        }
        if let connection = try? await existingConnection(to: address) { return connection }
        let configuration = self.configuration
        let group = eventLoopGroup
        let task = Task {
            try await BrokerConnection.connect(
                to: address,
                clientID: configuration.clientID,
                eventLoopGroup: group,
                connectTimeout: configuration.connectTimeout,
                requestTimeout: configuration.requestTimeout,
                security: configuration.security
            )
        }
        connections[address] = task
        do {
            let connection = try await task.value
            logger.info("connected to broker \(address)")
            return connection
        } catch {
            if connections[address] == task { connections[address] = nil }
            throw error as? KafkaClientError
                ?? KafkaClientError(.brokerUnreachable, "broker \(address) unreachable (\(error))")
        }
    }
}

extension KafkaErrorCode {
    /// Errors that mean the client's metadata is out of date: refresh it and retry
    /// (Kafka marks them retriable and "invalid metadata").
    public var isStaleMetadata: Bool {
        switch self {
        case .unknownTopicOrPartition, .notLeaderOrFollower, .leaderNotAvailable, .fencedLeaderEpoch,
            .unknownLeaderEpoch, .brokerNotAvailable, .replicaNotAvailable:
            true
        default:
            false
        }
    }

    /// Errors Kafka marks retriable: sending the same request again may succeed.
    public var isRetriable: Bool {
        if isStaleMetadata { return true }
        return switch self {
        case .requestTimedOut, .networkException, .notEnoughReplicas, .notEnoughReplicasAfterAppend,
            .corruptMessage, .kafkaStorageError, .concurrentTransactions, .throttlingQuotaExceeded,
            .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator:
            true
        default:
            false
        }
    }
}

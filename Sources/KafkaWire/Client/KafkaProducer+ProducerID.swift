import Logging

// Idempotence (KIP-98, KIP-360): the producer gets an id and epoch from InitProducerId, then
// numbers each partition's records from 0. When the broker has lost its state for the producer
// (UNKNOWN_PRODUCER_ID) or sees a gap (OUT_OF_ORDER_SEQUENCE_NUMBER), the producer asks for the
// next epoch of the same id (InitProducerId v3+ with the current id and epoch) and restarts the
// sequences; older brokers hand out a new id instead.
extension KafkaProducer {
    func obtainProducerID() async {
        let attempts = max(1, configuration.cluster.connectAttempts)
        var lastError: KafkaClientError?
        for attempt in 1...attempts {
            do {
                let (id, epoch) = try await requestProducerID()
                state.withLock { $0.setProducerIdentity(id: id, epoch: epoch) }
                logger.info("producer id \(id), epoch \(epoch)")
                return
            } catch let error as KafkaClientError {
                lastError = error
                guard
                    error.kafkaErrorCode?.isRetriable
                        ?? (error.code != .unsupportedVersion && error.code != .brokerError)
                else { break }
            } catch {
                lastError = KafkaClientError(.brokerUnreachable, "InitProducerId failed: \(error)")
            }
            try? await Task.sleep(for: configuration.retryBackoff.delay(forAttempt: attempt))
        }
        let error = KafkaClientError(
            lastError?.code ?? .brokerError,
            kafkaErrorCode: lastError?.kafkaErrorCode,
            """
            the idempotent producer got no producer id (\(lastError?.message ?? "unknown error")); turn \
            idempotence off for brokers that do not support it
            """
        )
        logger.error("\(error)")
        let (reports, resume) = state.withLock { state in
            state.fatalError = error
            return state.failAll(error)
        }
        for continuation in resume { continuation.resume() }
        for report in reports { configuration.deliveryReportHandler?(report) }
    }

    private func requestProducerID() async throws -> (Int64, Int16) {
        let connection = try await cluster.anyConnection()
        let version = try connection.negotiatedVersion(for: .initProducerId, cap: 4)
        let (currentID, currentEpoch) = state.withLock { ($0.producerID, $0.producerEpoch) }
        var request = InitProducerIdRequest(
            transactionalId: nil,
            transactionTimeoutMs: Int32.max,
            producerId: -1,
            producerEpoch: -1
        )
        if version >= 3, currentID >= 0 {
            request.producerId = currentID
            request.producerEpoch = currentEpoch
        }
        let response = try await connection.send(request, version: version, expecting: InitProducerIdResponse.self)
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else {
            throw KafkaClientError.broker(code, "InitProducerId on broker \(connection.address)")
        }
        return (response.producerId, response.producerEpoch)
    }
}

import KafkaWire

extension RequestHandler {
    /// InitProducerId: with a transactional id the transaction coordinator answers
    /// (`TransactionCoordinator.initProducerID`); without one the producer is idempotent only.
    ///
    /// An idempotent producer gets a fresh id with epoch 0. One that presents its current id
    /// and epoch (v3+, KIP-360, after a sequence error) gets the epoch bumped so it can
    /// restart its sequences at 0.
    ///
    /// Needs Write on the transactional id, or for an idempotent producer IdempotentWrite on
    /// the cluster or Write on some topic (KIP-679).
    func initProducerId(_ request: InitProducerIdRequest, _ context: RequestContext) -> InitProducerIdResponse {
        func refused(_ code: KafkaErrorCode) -> InitProducerIdResponse {
            InitProducerIdResponse(throttleTimeMs: 0, errorCode: code.rawValue, producerId: -1, producerEpoch: -1)
        }
        if let transactionalID = request.transactionalId {
            guard authorized(.write, .transactionalId, transactionalID, context) else {
                return refused(.transactionalIdAuthorizationFailed)
            }
            let result = transactions.initProducerID(
                TransactionCoordinator.InitRequest(
                    transactionalID: transactionalID,
                    timeoutMs: request.transactionTimeoutMs,
                    producerID: request.producerId,
                    producerEpoch: request.producerEpoch,
                    fenced: context.apiVersion >= 4 ? .producerFenced : .invalidProducerEpoch
                )
            )
            if result.error != .none {
                logger.info("InitProducerId of '\(transactionalID)' from \(context.clientHost): \(result.error)")
            }
            return InitProducerIdResponse(
                throttleTimeMs: 0,
                errorCode: result.error.rawValue,
                producerId: result.producerID,
                producerEpoch: result.producerEpoch
            )
        }
        guard authorizedForIdempotence(context) else { return refused(.clusterAuthorizationFailed) }
        if request.producerId >= 0, request.producerEpoch >= 0, request.producerEpoch < Int16.max - 1 {
            return InitProducerIdResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.none.rawValue,
                producerId: request.producerId,
                producerEpoch: request.producerEpoch + 1
            )
        }
        do {
            let id = try offsets.allocateProducerID()
            return InitProducerIdResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.none.rawValue,
                producerId: id,
                producerEpoch: 0
            )
        } catch {
            logger.error("allocating a producer id failed: \(error)")
            return InitProducerIdResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.kafkaStorageError.rawValue,
                producerId: -1,
                producerEpoch: -1
            )
        }
    }
}

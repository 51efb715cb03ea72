import KafkaWire

extension RequestHandler {
    /// InitProducerId: with a transactional id the transaction coordinator answers
    /// (`TransactionCoordinator.initProducerID`); without one the producer is idempotent only.
    ///
    /// An idempotent producer gets a fresh id with epoch 0. One that presents its current id
    /// and epoch (v3+, KIP-360, after a sequence error) gets the epoch bumped so it can
    /// restart its sequences at 0.
    func initProducerId(_ request: InitProducerIdRequest, _ context: RequestContext) -> InitProducerIdResponse {
        if let transactionalID = request.transactionalId {
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

import KafkaWire

extension RequestHandler {
    /// InitProducerId for idempotent producers (no transactional id).
    ///
    /// A new producer gets a fresh id with epoch 0. A producer that presents its current id
    /// and epoch (v3+, KIP-360, after a sequence error) gets the epoch bumped so it can
    /// restart its sequences at 0.
    func initProducerId(_ request: InitProducerIdRequest, _ context: RequestContext) -> InitProducerIdResponse {
        if request.transactionalId != nil {
            return InitProducerIdResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.transactionalIdAuthorizationFailed.rawValue,
                producerId: -1,
                producerEpoch: -1
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

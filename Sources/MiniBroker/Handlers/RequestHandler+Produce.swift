import KafkaWire
import NIOCore

extension RequestHandler {
    /// Produce v3+: one RecordBatch v2 per partition, validated, offsets assigned, appended.
    /// Transactional batches are taken for the partitions of the producer's ongoing
    /// transaction only.
    ///
    /// Older versions (message sets v0/v1) are decoded and answered UNSUPPORTED_VERSION per
    /// partition: librdkafka needs Produce 0 advertised, and a closed socket would look like
    /// a network fault to the client.
    func produce(_ request: ProduceRequest, _ context: RequestContext) -> ProduceResponse {
        let version = context.apiVersion
        var firstError: KafkaErrorCode?
        if version < ServedApis.firstServedProduceVersion {
            firstError = .unsupportedVersion
        } else if ![-1, 0, 1].contains(request.acks) {
            firstError = .invalidRequiredAcks
        } else if let transactionalID = request.transactionalId,
            !authorized(.write, .transactionalId, transactionalID, context)
        {
            firstError = .transactionalIdAuthorizationFailed
        }
        // Produce 12 adds the partitions of a transactional request's batches to its transaction.
        let requestPartitions: (() -> [KafkaTopicPartition])? =
            version >= 12 && request.transactionalId != nil
            ? { self.transactionalPartitions(of: request, context) } : nil
        let responses = request.topicData.map { topicData in
            let mayWrite = firstError != nil || authorized(.write, .topic, topicData.name, context)
            return ProduceResponse.TopicProduceResponse(
                name: topicData.name,
                partitionResponses: topicData.partitionData.map { partitionData in
                    if let firstError {
                        return partitionError(partitionData.index, firstError)
                    }
                    guard mayWrite else {
                        return partitionError(
                            partitionData.index,
                            .topicAuthorizationFailed,
                            message: "\(context.principal) may not write to topic '\(topicData.name)'"
                        )
                    }
                    return producePartition(
                        topic: topicData.name,
                        partitionData,
                        transactionalID: request.transactionalId,
                        requestPartitions: requestPartitions,
                        version: version,
                        client: context.clientHost
                    )
                }
            )
        }
        if firstError != nil {
            logger.info("produce v\(version) from \(context.clientHost) refused: \(firstError!)")
        }
        return ProduceResponse(responses: responses, throttleTimeMs: 0)
    }

    /// The partitions of the request's transactional batches that exist and may be written:
    /// what a Produce 12 batch adds to its transaction with its own partition. A topic the
    /// principal may not write to was refused (and its refusal counted) already.
    private func transactionalPartitions(of request: ProduceRequest, _ context: RequestContext) -> [KafkaTopicPartition]
    {
        request.topicData.filter { permits(.write, .topic, $0.name, context) }.flatMap { topicData in
            topicData.partitionData.compactMap { partitionData -> KafkaTopicPartition? in
                guard let records = partitionData.records, RecordBatchHeader.peek(records)?.isTransactional == true,
                    let log = topics.log(topic: topicData.name, partition: partitionData.index)
                else { return nil }
                return log.topicPartition
            }
        }
    }

    private func partitionError(
        _ index: Int32,
        _ code: KafkaErrorCode,
        message: String? = nil
    ) -> ProduceResponse.PartitionProduceResponse {
        ProduceResponse.PartitionProduceResponse(
            index: index,
            errorCode: code.rawValue,
            baseOffset: -1,
            logAppendTimeMs: -1,
            logStartOffset: -1,
            errorMessage: message
        )
    }

    private func producePartition(
        topic name: String,
        _ data: ProduceRequest.PartitionProduceData,
        transactionalID: String?,
        requestPartitions: (() -> [KafkaTopicPartition])?,
        version: Int16,
        client: String
    ) -> ProduceResponse.PartitionProduceResponse {
        // Like Kafka, Produce never creates topics; clients ask Metadata first.
        guard let log = topics.log(topic: name, partition: data.index) else {
            return partitionError(
                data.index,
                .unknownTopicOrPartition,
                message: "topic '\(name)' has no partition \(data.index)"
            )
        }
        let settings = log.configuration
        let batch: ByteBuffer
        switch validatedBatch(data.records, settings: settings, version: version, transactionalID: transactionalID) {
        case .success(let valid): batch = valid
        case .failure(let problem):
            logger.warning("produce to \(name)-\(data.index) from \(client) refused: \(problem.message)")
            return partitionError(data.index, problem.code, message: problem.message)
        }
        // A compacted topic needs every record's key: refused without one, kept for the cleaner.
        // The validation above checked the CRC.
        var keys: BatchKeys?
        if settings.cleanupPolicy.compacts, let records = data.records {
            keys = try? BatchKeys(of: records, checksumVerified: true)
        }
        if let keys, let keyless = KeylessRecords(keys, partition: log.topicPartition) {
            logger.info("produce to \(name)-\(data.index) from \(client) refused: \(keyless.message)")
            var response = partitionError(data.index, .invalidRecord, message: keyless.message)
            response.recordErrors = keyless.indices.map {
                .init(batchIndex: Int32($0), batchIndexErrorMessage: keyless.message)
            }
            return response
        }
        do {
            let appended = try append(
                batch,
                keys: keys,
                to: log,
                transactionalID: transactionalID,
                requestPartitions: requestPartitions,
                version: version
            )
            let result: PartitionLog.AppendResult
            switch appended {
            case .success(let success): result = success
            case .failure(let refused):
                let message = "producer of '\(transactionalID ?? "")' \(refused.reason)"
                logger.info("produce to \(name)-\(data.index) from \(client) refused: \(message)")
                return partitionError(data.index, refused.code, message: message)
            }
            if result.outcome == .appended { appends.notifyAppend() }
            return ProduceResponse.PartitionProduceResponse(
                index: data.index,
                errorCode: KafkaErrorCode.none.rawValue,
                baseOffset: result.baseOffset,
                logAppendTimeMs: -1,
                logStartOffset: log.logStartOffset
            )
        } catch let error as StorageError where error.code != .fileSystem {
            // Sequence and epoch errors of idempotent producers, and a full disk (which the
            // disk guard logs once, not at every refused batch).
            if error.code != .diskFull {
                logger.info("produce to \(name)-\(data.index) from \(client): \(error.message)")
            }
            return partitionError(data.index, error.kafkaErrorCode, message: error.message)
        } catch {
            logger.error("append to \(name)-\(data.index) failed: \(error)")
            return partitionError(data.index, .kafkaStorageError, message: "the broker could not write the batch")
        }
    }

    /// Appends a batch; a transactional one only when its partition is in the producer's
    /// ongoing transaction (`TransactionCoordinator.appendIfInTransaction`).
    private func append(
        _ batch: ByteBuffer,
        keys: BatchKeys?,
        to log: PartitionLog,
        transactionalID: String?,
        requestPartitions: (() -> [KafkaTopicPartition])?,
        version: Int16
    ) throws -> Result<PartitionLog.AppendResult, TransactionalProduceError> {
        guard let transactionalID, let header = RecordBatchHeader.peek(batch), header.isTransactional else {
            return .success(try log.append(batch, keys: keys))
        }
        let producer = TransactionCoordinator.Producer(
            transactionalID: transactionalID,
            producerID: header.producerID,
            producerEpoch: header.producerEpoch
        )
        return try transactions.appendIfInTransaction(
            log.topicPartition,
            by: producer,
            notInTransaction: version >= 11 ? .transactionAbortable : .invalidTxnState,
            addsPartitions: requestPartitions
        ) {
            try log.append(batch, keys: keys)
        }
    }

    /// What was wrong with a produced batch, as a Kafka error.
    struct BatchProblem: Error {
        var code: KafkaErrorCode
        var message: String
    }

    /// Checks one partition's records and returns the batch to store: exactly one RecordBatch
    /// v2 with a valid CRC, within `max.message.bytes`; uncompressed batches are compressed
    /// with LZ4 when the topic asks for it (the default). `settings` are the topic's.
    func validatedBatch(
        _ records: ByteBuffer?,
        settings: BrokerConfiguration,
        version: Int16,
        transactionalID: String? = nil
    ) -> Result<ByteBuffer, BatchProblem> {
        guard let records, records.readableBytes > 0 else {
            return .failure(BatchProblem(code: .invalidRecord, message: "no record batch"))
        }
        let limit = settings.messageMaxBytes
        guard records.readableBytes <= limit else {
            return .failure(
                BatchProblem(
                    code: .messageTooLarge,
                    message: "batch of \(records.readableBytes) bytes exceeds max.message.bytes (\(limit))"
                )
            )
        }
        guard let header = RecordBatchHeader.peek(records) else {
            return .failure(BatchProblem(code: .corruptMessage, message: "batch shorter than a record batch header"))
        }
        guard header.magic == 2 else {
            return .failure(
                BatchProblem(
                    code: .unsupportedForMessageFormat,
                    message: "record batch magic \(header.magic); only v2 is stored"
                )
            )
        }
        guard header.totalSize == records.readableBytes else {
            return .failure(
                BatchProblem(
                    code: header.totalSize < records.readableBytes ? .invalidRecord : .corruptMessage,
                    message:
                        """
                        batch length \(header.totalSize) does not match the \(records.readableBytes) bytes sent \
                        (exactly one batch per partition)
                        """
                )
            )
        }
        if header.compressionCodec == Int(CompressionCodec.zstd.rawValue) && version < 7 {
            return .failure(BatchProblem(code: .unsupportedCompressionType, message: "zstd needs Produce v7 or later"))
        }
        if header.isControl {
            return .failure(
                BatchProblem(
                    code: .invalidRecord,
                    message: "control batches (transaction markers) are the broker's to write"
                )
            )
        }
        if header.isTransactional && transactionalID == nil {
            return .failure(
                BatchProblem(
                    code: .invalidRecord,
                    message: "a transactional batch needs the request's transactional id"
                )
            )
        }
        // Check the CRC and walk the records, as Kafka's broker does, so a batch whose
        // records are broken never reaches the log. Compressed batches are decompressed for
        // it unless turned off (see `BrokerConfiguration.validateCompressedRecords`).
        do {
            if header.compressionCodec == 0 || configuration.validateCompressedRecords {
                try RecordBatch.validate(records, decompressionLimit: max(limit, RecordBatch.defaultDecompressionLimit))
            } else {
                try RecordBatch.validateFrame(records)
            }
        } catch let error as RecordBatchError {
            let code: KafkaErrorCode =
                switch error.code {
                case .crcMismatch, .truncated, .invalidBatchLength: .corruptMessage
                case .unsupportedCompression: .unsupportedCompressionType
                default: .invalidRecord
                }
            return .failure(BatchProblem(code: code, message: error.message))
        } catch let error as CompressionError {
            return .failure(BatchProblem(code: .corruptMessage, message: "compressed records cannot be read: \(error)"))
        } catch {
            return .failure(BatchProblem(code: .invalidRecord, message: "\(error)"))
        }
        let codec = CompressionCodec(attributes: header.attributes) ?? .none
        if codec == .none && settings.compressionType == "lz4" {
            do {
                return .success(try RecordBatch.recompress(records, to: .lz4))
            } catch {
                return .failure(BatchProblem(code: .invalidRecord, message: "records could not be read: \(error)"))
            }
        }
        return .success(records)
    }
}

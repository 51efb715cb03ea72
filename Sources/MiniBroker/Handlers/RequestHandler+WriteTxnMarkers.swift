import KafkaWire

extension RequestHandler {
    /// WriteTxnMarkers v0-1: writes the given markers to the given partitions. In a Kafka
    /// cluster the coordinators send it to partition leaders; here clients do, for
    /// `Admin.abortTransaction` (kafka-transactions.sh abort), which ends a hanging
    /// transaction that pins a partition's last stable offset. Needs ClusterAction on the cluster.
    func writeTxnMarkers(_ request: WriteTxnMarkersRequest, _ context: RequestContext) -> WriteTxnMarkersResponse {
        let allowed = authorizedOnCluster(.clusterAction, context)
        let results = request.markers.map { marker in
            WriteTxnMarkersResponse.WritableTxnMarkerResult(
                producerId: marker.producerId,
                topics: marker.topics.map { topic in
                    WriteTxnMarkersResponse.WritableTxnMarkerTopicResult(
                        name: topic.name,
                        partitions: topic.partitionIndexes.map { index in
                            WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult(
                                partitionIndex: index,
                                errorCode: allowed
                                    ? writeMarker(marker, topic: topic.name, partition: index, context).rawValue
                                    : KafkaErrorCode.clusterAuthorizationFailed.rawValue
                            )
                        }
                    )
                }
            )
        }
        return WriteTxnMarkersResponse(markers: results)
    }

    private func writeMarker(
        _ marker: WriteTxnMarkersRequest.WritableTxnMarker,
        topic: String,
        partition: Int32,
        _ context: RequestContext
    ) -> KafkaErrorCode {
        guard let log = topics.log(topic: topic, partition: partition) else { return .unknownTopicOrPartition }
        let kind = marker.transactionResult ? "COMMIT" : "ABORT"
        do {
            let offset = try log.appendMarker(
                producerID: marker.producerId,
                producerEpoch: marker.producerEpoch,
                commit: marker.transactionResult,
                coordinatorEpoch: marker.coordinatorEpoch
            )
            appends.notifyAppend()
            logger.notice(
                """
                \(kind) marker for producer \(marker.producerId) epoch \(marker.producerEpoch) written to \
                \(topic)-\(partition) at \(offset), asked by \(context.clientHost)
                """
            )
            return .none
        } catch let error as StorageError {
            logger.info("\(kind) marker for producer \(marker.producerId) refused on \(topic)-\(partition): \(error)")
            return error.kafkaErrorCode
        } catch {
            logger.error("\(kind) marker for producer \(marker.producerId) on \(topic)-\(partition) failed: \(error)")
            return .kafkaStorageError
        }
    }
}

import KafkaWire

extension RequestHandler {
    /// DescribeLogDirs v0-4: the one log directory, the size of each partition in it (what
    /// `kafka-log-dirs` and UIs show), and from v4 the disk's total and usable bytes. A null
    /// topic list asks for every partition; partitions that do not exist are left out, as
    /// Kafka leaves out what it does not host. Needs Describe on the cluster.
    func describeLogDirs(_ request: DescribeLogDirsRequest, _ context: RequestContext) -> DescribeLogDirsResponse {
        guard authorizedOnCluster(.describe, context) else {
            return DescribeLogDirsResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.clusterAuthorizationFailed.rawValue,
                results: []
            )
        }
        let wanted: [(topic: String, partitions: [Int32])] =
            request.topics.map { requested in requested.map { ($0.topic, $0.partitions) } }
            ?? topics.allTopics().map { ($0.name, Array(0..<$0.partitionCount)) }
        let described = wanted.compactMap { entry -> DescribeLogDirsResponse.DescribeLogDirsTopic? in
            let partitions = entry.partitions.compactMap { partition in
                topics.log(topic: entry.topic, partition: partition).map { log in
                    DescribeLogDirsResponse.DescribeLogDirsPartition(
                        partitionIndex: partition,
                        partitionSize: Int64(log.sizeInBytes),
                        offsetLag: 0,
                        isFutureKey: false
                    )
                }
            }
            return partitions.isEmpty ? nil : .init(name: entry.topic, partitions: partitions)
        }
        let space = topics.diskSpace()
        return DescribeLogDirsResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            results: [
                DescribeLogDirsResponse.DescribeLogDirsResult(
                    errorCode: KafkaErrorCode.none.rawValue,
                    logDir: topics.logDirectory,
                    topics: described,
                    totalBytes: space.totalBytes,
                    usableBytes: space.freeBytes
                )
            ]
        )
    }
}

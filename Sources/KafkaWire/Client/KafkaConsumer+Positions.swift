// Start positions: exact offsets are taken as they are; earliest, latest and timestamps are
// looked up with ListOffsets (timestamp -2 = log start, -1 = log end, else the first offset
// at or after the time), one request per leader broker.
extension KafkaConsumer {
    func resolvePendingPositions() async throws {
        guard !pendingPositions.isEmpty else { return }
        var byLeader: [Int32: [(KafkaTopicPartition, ConsumerPosition)]] = [:]
        for (partition, position) in pendingPositions {
            if case .offset(let offset) = position {
                positions[partition] = offset
                pendingPositions[partition] = nil
                continue
            }
            byLeader[try await leader(of: partition), default: []].append((partition, position))
        }
        for (node, entries) in byLeader {
            try await listOffsets(node: node, entries: entries)
        }
    }

    private func listOffsets(node: Int32, entries: [(KafkaTopicPartition, ConsumerPosition)]) async throws {
        let byTopic = Dictionary(grouping: entries, by: { $0.0.topic })
        let request = ListOffsetsRequest(
            replicaId: -1,
            isolationLevel: 0,
            topics: byTopic.map { topic, entries in
                .init(
                    name: topic,
                    partitions: entries.map {
                        .init(partitionIndex: $0.0.partition, timestamp: Self.listOffsetsTimestamp($0.1))
                    }
                )
            }
        )
        let connection = try await cluster.connection(toNode: node)
        let response: ListOffsetsResponse
        do {
            response = try await connection.send(request, minimumVersion: 1, maximumVersion: 7)
        } catch {
            await cluster.drop(connection)
            throw error
        }
        var foundNoTimestamp = false
        for topic in response.topics {
            for answer in topic.partitions {
                let partition = KafkaTopicPartition(topic: topic.name, partition: answer.partitionIndex)
                // The partition may have been reassigned or sought again meanwhile.
                guard let requested = entries.first(where: { $0.0 == partition })?.1,
                    pendingPositions[partition] == requested
                else {
                    continue
                }
                let code = KafkaErrorCode(rawValue: answer.errorCode)
                if code.isStaleMetadata {
                    staleTopics.insert(partition.topic)
                    continue
                }
                guard code == .none else { throw KafkaClientError.broker(code, "ListOffsets for \(partition)") }
                if answer.offset < 0, case .timestamp = requested {
                    // No record at or after the time: read from the end, as for `.latest`.
                    pendingPositions[partition] = .latest
                    foundNoTimestamp = true
                    continue
                }
                positions[partition] = answer.offset
                pendingPositions[partition] = nil
                logger.debug("position of \(partition) is \(answer.offset) (\(requested))")
            }
        }
        if foundNoTimestamp { try await resolvePendingPositions() }
    }

    static func listOffsetsTimestamp(_ position: ConsumerPosition) -> Int64 {
        switch position {
        case .earliest: -2
        case .latest: -1
        case .timestamp(let time): time
        case .offset(let offset): offset
        }
    }
}

import KafkaWire
import Logging
import NIOCore

/// Reads a range of offsets of some partitions of one topic with a consumer that joins no
/// group (nothing is committed, nobody's assignment moves), for the console's message viewer.
struct MessageTail {
    let query: MessageQuery
    let bootstrapServers: [BrokerAddress]
    let security: KafkaClientSecurity
    let logger: Logger

    /// The records of `[from, to)` of each partition that match the query; gives up after 3 s
    /// with what it has.
    func read(_ ranges: [(partition: Int32, from: Int64, to: Int64)]) async throws -> [ConsoleMessage] {
        let wanted = ranges.filter { $0.from < $0.to }
        guard !wanted.isEmpty else { return [] }
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers,
            clientID: "aseed-console-tail"
        )
        configuration.fetchMaxWait = .milliseconds(100)
        configuration.cluster.security = security
        let consumer = KafkaConsumer(configuration: configuration, logger: logger)
        do {
            let messages = try await read(wanted, with: consumer)
            await consumer.close()
            return messages
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func read(
        _ wanted: [(partition: Int32, from: Int64, to: Int64)],
        with consumer: KafkaConsumer
    ) async throws -> [ConsoleMessage] {
        try await consumer.assign(wanted.map { (query.topic, $0.partition, .offset($0.from)) })
        var ends = Dictionary(uniqueKeysWithValues: wanted.map { ($0.partition, $0.to) })
        var messages: [ConsoleMessage] = []
        let deadline = ContinuousClock.now + .seconds(3)
        while !ends.isEmpty, ContinuousClock.now < deadline {
            for batch in try await consumer.poll() {
                guard let end = ends[batch.partition] else { continue }
                try batch.forEachRecord { record in
                    guard record.offset < end else { return }
                    let message = ConsoleMessage(
                        partition: batch.partition,
                        offset: record.offset,
                        timestampMillis: record.timestamp,
                        key: record.keyString,
                        value: record.valueString,
                        headers: record.headers.map { ($0.key, $0.value.map { String(buffer: $0) } ?? "") }
                    )
                    if query.matches(message) { messages.append(message) }
                }
                if batch.nextOffset >= end { ends[batch.partition] = nil }
            }
        }
        return messages
    }
}

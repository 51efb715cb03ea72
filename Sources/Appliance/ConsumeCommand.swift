import ApplianceKit
import ArgumentParser
import KafkaWire

/// `aseed consume`: a console consumer, like kafka-console-consumer: one line per record.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Print the records of a topic, one per line.",
        discussion:
            """
            Without --group every partition is read (from the end, or from the start with --from-beginning); with \
            --group the consumer joins that group and commits its position when it stops. Ends after \
            --max-messages records, or when nothing arrived for --timeout-ms.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "The topic. Default: orders")
    var topic = "orders"

    @Flag(help: "Start from the first record kept instead of the end.")
    var fromBeginning = false

    @Option(help: ArgumentHelp("Join this consumer group (offsets are committed on exit).", valueName: "id"))
    var group: String?

    @Option(help: ArgumentHelp("Stop after this many records.", valueName: "n"))
    var maxMessages: Int?

    @Option(
        help: ArgumentHelp("Stop when no record arrived for this long. Default: run until interrupted", valueName: "ms")
    )
    var timeoutMs: Int?

    @Flag(help: "Print the key before the value, separated by a tab.")
    var printKey = false

    func run() async throws {
        let settings = try cluster.settings()
        let servers = try cluster.servers(settings)
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: servers,
            clientID: "aseed-consume",
            groupID: group
        )
        configuration.cluster = try cluster.clusterConfiguration(settings, clientID: "aseed-consume")
        configuration.cluster.allowAutoTopicCreation = false
        configuration.autoOffsetReset = fromBeginning ? .earliest : .latest
        let consumer = KafkaConsumer(configuration: configuration, logger: cluster.logger)
        var printed = 0
        do {
            try await withCluster(servers) {
                try await start(consumer)
                var lastRecord = ContinuousClock.now
                while maxMessages.map({ printed < $0 }) ?? true {
                    let batches = try await consumer.poll()
                    for batch in batches {
                        try batch.forEachRecord { record in
                            guard maxMessages.map({ printed < $0 }) ?? true else { return }
                            let value = record.valueString ?? ""
                            print(printKey ? "\(record.keyString ?? "")\t\(value)" : value)
                            printed += 1
                        }
                    }
                    if !batches.isEmpty { lastRecord = .now }
                    if let timeoutMs, ContinuousClock.now - lastRecord > .milliseconds(timeoutMs) { break }
                }
                if group != nil { try await consumer.commitPositions() }
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        printError("printed \(printed) records of \(topic)")
    }

    private func start(_ consumer: KafkaConsumer) async throws {
        if group != nil {
            try await consumer.subscribe(topics: [topic])
            return
        }
        let partitions = try await consumer.cluster.topic(topic).partitionCount
        let position: ConsumerPosition = fromBeginning ? .earliest : .latest
        try await consumer.assign((0..<Int32(partitions)).map { (topic, $0, position) })
    }
}

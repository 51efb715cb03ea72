import ApplianceKit
import ArgumentParser
import KafkaWire

/// Changes to an existing topic, as Kafka's own tools make them.
extension TopicsCommand {
    struct AddPartitions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-partitions",
            abstract: "Grow a topic to more partitions (like kafka-topics --alter --partitions).",
            discussion:
                """
                Records already written stay where they are: keys written before map to other partitions than the \
                same keys written after, so consumers that rely on per-key order see it break once.
                """
        )

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The topic.")
        var name: String

        @Option(help: "The number of partitions the topic has afterwards, more than it has now.")
        var count: Int32

        func run() async throws {
            try await cluster.withAdmin { try await $0.createPartitions(name, totalCount: count) }
            print("topic \(name) now has \(count) partitions")
        }
    }

    struct AlterConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alter-config",
            abstract: "Set or remove a topic's configs (like kafka-configs --alter --entity-type topics).",
            discussion: "All changes are applied together, or none when the broker refuses one."
        )

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The topic.")
        var name: String

        @Option(
            name: .customLong("set"),
            help: ArgumentHelp("A config to set (repeatable), e.g. retention.ms=3600000.", valueName: "key=value")
        )
        var assignments: [String] = []

        @Option(
            name: .customLong("delete"),
            help: ArgumentHelp(
                "A config to remove (repeatable): the broker's default applies again.",
                valueName: "key"
            )
        )
        var removals: [String] = []

        func validate() throws {
            guard !assignments.isEmpty || !removals.isEmpty else {
                throw ValidationError("name at least one --set key=value or --delete key")
            }
        }

        func run() async throws {
            let values = try TopicConfigAssignment.dictionary(parsing: assignments, option: "--set")
            let changes =
                values.sorted { $0.key < $1.key }.map { KafkaAdmin.ConfigChange.set($0.key, $0.value) }
                + removals.map { KafkaAdmin.ConfigChange.delete($0) }
            try await cluster.withAdmin { try await $0.alterTopicConfigs(name, changes) }
            for (key, value) in values.sorted(by: { $0.key < $1.key }) { print("set \(key)=\(value) on \(name)") }
            for key in removals { print("removed \(key) from \(name): the broker's default applies") }
        }
    }

    struct DeleteRecords: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-records",
            abstract: "Delete a topic's records below an offset (like kafka-delete-records).",
            discussion:
                """
                Consumers positioned before the new earliest offset move to it (by their auto.offset.reset). \
                Compacted topics refuse it.
                """
        )

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The topic.")
        var name: String

        @Option(help: "Only this partition. Default: every partition of the topic")
        var partition: Int32?

        @Option(
            help: ArgumentHelp(
                "Delete the records below this offset, or 'end' for all of them.",
                valueName: "offset|end"
            )
        )
        var before: String

        func run() async throws {
            let offset: Int64
            if before == "end" {
                offset = -1
            } else if let number = Int64(before), number >= 0 {
                offset = number
            } else {
                throw ValidationError("--before: expected an offset (0 or more) or 'end', got '\(before)'")
            }
            let earliest = try await cluster.withAdmin { admin in
                let partitions: [Int32]
                if let partition {
                    partitions = [partition]
                } else {
                    partitions = try await admin.describeTopic(name).partitions.map(\.partition)
                }
                let targets = partitions.map { KafkaTopicPartition(topic: name, partition: $0) }
                return try await admin.deleteRecords(
                    before: Dictionary(uniqueKeysWithValues: targets.map { ($0, offset) })
                )
            }
            var table = TextTable("PARTITION", "EARLIEST")
            for (partition, offset) in earliest.sorted(by: { $0.key < $1.key }) {
                table.add([String(partition.partition), String(offset)])
            }
            print(table.text)
        }
    }
}

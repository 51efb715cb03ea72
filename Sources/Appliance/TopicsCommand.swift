import ApplianceKit
import ArgumentParser
import KafkaWire

/// `aseed topics list|describe|create|delete`: topics of the appliance's broker (or any Kafka).
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List, describe, create or delete topics.",
        subcommands: [List.self, Describe.self, Create.self, Delete.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List topics with their partitions and records.")

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let topics = try await cluster.withAdmin { try await $0.listTopics() }
            var table = TextTable("TOPIC", "PARTITIONS", "RECORDS")
            for topic in topics {
                table.add([
                    topic.name, String(topic.partitions.count), String(topic.partitions.reduce(0) { $0 + $1.records }),
                ])
            }
            print(table.text)
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a topic's partitions, leaders, offsets and configs."
        )

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The topic.")
        var name: String

        func run() async throws {
            let topic = try await cluster.withAdmin { try await $0.describeTopic(name) }
            print("Topic: \(topic.name)  Partitions: \(topic.partitions.count)")
            var table = TextTable("PARTITION", "LEADER", "EARLIEST", "LATEST", "RECORDS")
            for partition in topic.partitions {
                table.add([
                    String(partition.partition), String(partition.leader), String(partition.earliestOffset),
                    String(partition.latestOffset), String(partition.records),
                ])
            }
            print(table.text)
            if !topic.configs.isEmpty {
                print(
                    "Configs: "
                        + topic.configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                            separator: " "
                        )
                )
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a topic.")

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The topic.")
        var name: String

        @Option(help: "Number of partitions. Default: 3")
        var partitions: Int32 = 3

        @Option(
            name: .customLong("topic-config"),
            help: ArgumentHelp("A topic config (repeatable), e.g. retention.ms=86400000.", valueName: "key=value")
        )
        var configs: [String] = []

        func run() async throws {
            var entries: [String: String] = [:]
            for config in configs {
                guard let equals = config.firstIndex(of: "=") else {
                    throw ValidationError("--topic-config: expected key=value, got '\(config)'")
                }
                entries[String(config[..<equals])] = String(config[config.index(after: equals)...])
            }
            try await cluster.withAdmin { try await $0.createTopic(name, partitions: partitions, configs: entries) }
            print("created topic \(name) with \(partitions) partitions")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a topic and its records.")

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The topic.")
        var name: String

        func run() async throws {
            try await cluster.withAdmin { try await $0.deleteTopic(name) }
            print("deleted topic \(name)")
        }
    }
}

import ApplianceKit
import ArgumentParser
import KafkaWire
import MiniBroker

/// `aseed topics list|describe|create|delete|add-partitions|alter-config|delete-records`: topics
/// of the appliance's broker (or any Kafka). The changes to existing topics are in
/// TopicsCommand+Changes.swift.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List, describe, create, change or delete topics.",
        subcommands: [
            List.self, Describe.self, Create.self, Delete.self, AddPartitions.self, AlterConfig.self,
            DeleteRecords.self,
        ],
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
            abstract: "Show a topic's partitions, leaders, offsets, configs and cleanup policy.",
            discussion:
                """
                For a compacted topic it also shows what the log cleaner did to each partition, as the appliance's \
                dashboard tells (Kafka has no request for it): the dirty ratio, the last cleaning, bytes reclaimed.
                """
        )

        @OptionGroup var cluster: ClusterOptions

        @Option(
            help: ArgumentHelp(
                """
                The dashboard's address, for the log cleaner's figures. Default: the appliance's dashboard-listen \
                from the config, else localhost:5005
                """,
                valueName: "host:port"
            )
        )
        var dashboard: String?

        @Argument(help: "The topic.")
        var name: String

        func run() async throws {
            let topic = try await cluster.withAdmin { try await $0.describeTopic(name) }
            let policy = topic.configs["cleanup.policy"]
            print(
                "Topic: \(topic.name)  Partitions: \(topic.partitions.count)  Cleanup policy: \(policy ?? "unknown")"
            )
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
            if policy.flatMap(CleanupPolicy.init(kafkaValue:))?.compacts == true { print(try cleanerFigures()) }
        }

        /// The log cleaner's figures from the dashboard, or one line saying where they can be seen.
        private func cleanerFigures() throws -> String {
            let address = try DashboardAddress.resolve(flag: dashboard, settings: try cluster.settings())
            let place = "\(address.host):\(address.port)"
            let response: ApplianceHTTPClient.Response
            do {
                response = try ApplianceHTTPClient(host: address.host, port: address.port, timeoutSeconds: 3)
                    .send("GET", "/api/broker/topics/\(name)")
            } catch {
                return """
                    Log cleaner: no dashboard answers at \(place); the appliance's console \
                    (http://\(place)/console, or --dashboard HOST:PORT) shows what the cleaner did.
                    """
            }
            guard response.status == 200, let report = try? TopicCleanerReport.decode(response.body) else {
                return """
                    Log cleaner: the dashboard at \(place) did not describe the topic (HTTP \(response.status)); see \
                    http://\(place)/console.
                    """
            }
            guard let table = report.table else {
                return """
                    Log cleaner: the dashboard at \(place) reads an external cluster; the cleaner's figures are only \
                    known for the appliance's own broker.
                    """
            }
            return "Log cleaner (since the broker started; bytes):\n" + table
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
            let entries = try TopicConfigAssignment.dictionary(parsing: configs, option: "--topic-config")
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

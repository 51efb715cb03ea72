import ApplianceKit
import ArgumentParser
import KafkaWire

/// `aseed groups list|describe|reset-offsets|delete`: consumer groups, their members and lag;
/// the changes are in GroupsCommand+Changes.swift.
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "List consumer groups, describe one with its members and lag, reset its offsets or delete it.",
        subcommands: [List.self, Describe.self, ResetOffsets.self, Delete.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List consumer groups.")

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let groups = try await cluster.withAdmin { try await $0.listGroups() }
            var table = TextTable("GROUP", "STATE", "PROTOCOL")
            for group in groups {
                table.add([
                    group.groupID, group.state.isEmpty ? "-" : group.state,
                    group.protocolType.isEmpty ? "-" : group.protocolType,
                ])
            }
            print(table.text)
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a group's members, committed offsets and lag.")

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The group id, e.g. aseed-analyzer.")
        var group: String

        func run() async throws {
            let description = try await cluster.withAdmin { try await $0.describeGroup(group) }
            print("Group: \(description.groupID)  State: \(description.state)  Members: \(description.members.count)")
            var offsets = TextTable("TOPIC", "PARTITION", "COMMITTED", "LATEST", "LAG", "MEMBER")
            for offset in description.offsets {
                let owner = description.members.first { $0.assignment.contains(offset.partition) }
                offsets.add([
                    offset.partition.topic, String(offset.partition.partition), String(offset.committed),
                    String(offset.latest), String(offset.lag), owner.map { "\($0.clientID)@\($0.host)" } ?? "-",
                ])
            }
            print(offsets.text)
            print("Total lag: \(description.offsets.reduce(0) { $0 + $1.lag })")
        }
    }
}

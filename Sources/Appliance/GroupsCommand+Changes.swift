import ApplianceKit
import ArgumentParser
import Common
import KafkaWire

/// Changes to a consumer group, as `kafka-consumer-groups` makes them.
extension GroupsCommand {
    struct ResetOffsets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-offsets",
            abstract: "Move a group's committed offsets (like kafka-consumer-groups --reset-offsets).",
            discussion:
                """
                Without --execute it only shows the plan: each partition's committed offset, the new one and the lag \
                it leaves. The group must have no members (stop its consumers first); the offsets apply to every \
                partition of --topic, or to every partition the group has committed for.
                """
        )

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The group id.")
        var group: String

        @Option(help: "Only this topic's partitions (all of them). Default: the partitions the group committed for")
        var topic: String?

        @Flag(help: "To each partition's earliest offset: everything is read again.")
        var toEarliest = false

        @Flag(help: "To each partition's end: what is there now is skipped.")
        var toLatest = false

        @Option(help: ArgumentHelp("To the first record at or after this time.", valueName: "2026-12-06T09:00:00Z"))
        var toDatetime: String?

        @Option(help: "To this offset in every partition (kept within the partition).")
        var toOffset: Int64?

        // Unconditional: the value may be negative, which would otherwise read as an option.
        @Option(parsing: .unconditional, help: "Move each committed offset by this many records (negative: back).")
        var shiftBy: Int64?

        @Flag(help: "Apply the plan. Without it, only show it.")
        var execute = false

        func validate() throws {
            let given = [toEarliest, toLatest, toDatetime != nil, toOffset != nil, shiftBy != nil].filter { $0 }
            guard given.count == 1 else {
                throw ValidationError(
                    "name exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset and --shift-by"
                )
            }
        }

        func run() async throws {
            let target = try self.target()
            try await cluster.withAdmin { admin in
                let plan = try await admin.planOffsetReset(group: group, topic: topic, to: target)
                var table = TextTable("TOPIC", "PARTITION", "CURRENT", "NEW", "LATEST", "LAG AFTER")
                for move in plan.moves {
                    table.add([
                        move.partition.topic, String(move.partition.partition), move.current.map(String.init) ?? "-",
                        String(move.target), String(move.latest), String(move.lagAfter),
                    ])
                }
                print(table.text)
                if execute {
                    try await admin.applyOffsetReset(plan)
                    print("reset the offsets of group \(group) to \(target)")
                } else {
                    print("nothing changed: add --execute to apply this plan")
                }
            }
        }

        private func target() throws -> KafkaAdmin.OffsetResetTarget {
            if toEarliest { return .earliest }
            if toLatest { return .latest }
            if let toOffset { return .offset(toOffset) }
            if let shiftBy { return .shift(shiftBy) }
            let text = toDatetime ?? ""
            guard let micros = TimestampParser.epochMicros(text) else {
                throw ValidationError(
                    "--to-datetime: expected a time like 2026-12-06T09:00:00Z (or +01:00), got '\(text)'"
                )
            }
            return .time(micros / 1000)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a group and its committed offsets (it must have no members)."
        )

        @OptionGroup var cluster: ClusterOptions

        @Argument(help: "The group id.")
        var group: String

        func run() async throws {
            try await cluster.withAdmin { try await $0.deleteGroup(group) }
            print("deleted group \(group)")
        }
    }
}

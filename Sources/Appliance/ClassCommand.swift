import ApplianceKit
import ArgumentParser
import FoundationEssentials

/// `aseed class reset`: returns the running appliance to a fresh class, through the dashboard's
/// API (`POST /api/class/reset`).
struct ClassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "class",
        abstract: "Between classes: return the running appliance to a fresh class.",
        subcommands: [Reset.self]
    )

    /// `aseed class reset`.
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                """
                Remove the students' topics and groups, archive the lab's progress, keep or truncate the orders, \
                and restart the simulator with a seed and scenario.
                """,
            discussion:
                """
                With --orders truncate every order is deleted and the analyzer starts from nothing; with keep the \
                orders and the analyzer's figures stay. The same --seed tells the same story to every class. Groups \
                whose programs are still connected are kept and named. Needs the admin token, found as \
                `aseed restart` finds it.
                """
        )

        @OptionGroup var options: DashboardClientOptions

        @Option(help: ArgumentHelp("keep or truncate the orders topic.", valueName: "keep|truncate"))
        var orders = "truncate"

        @Option(help: ArgumentHelp("The simulator's seed for the new class. Default: a new one.", valueName: "n"))
        var seed: Int64?

        @Option(
            help: ArgumentHelp("A scenario to start with, e.g. flash-sale:PROD-001:30s.", valueName: "scenario")
        )
        var scenario: String?

        func run() async throws {
            struct Body: Encodable {
                var orders: String
                var seed: Int64?
                var scenario: String?
            }
            let body = try JSONEncoder().encode(Body(orders: orders, seed: seed, scenario: scenario))
            let response = try options.send(
                "POST",
                "/api/class/reset",
                body: Array(body),
                token: true,
                timeoutSeconds: SnapshotCommand.timeoutSeconds
            )
            let report = try JSONDecoder().decode(Report.self, from: Data(response.body))
            print("class reset: \(report.summary)")
            for kept in report.kept_groups { print("  group '\(kept.group)' kept: \(kept.reason)") }
            if let seed = report.seed { print("give --seed \(seed) again for the same story") }
        }
    }

    /// The part of the reset's answer the command shows.
    struct Report: Decodable {
        struct Kept: Decodable {
            var group: String
            var reason: String
        }

        var summary: String
        var kept_groups: [Kept]
        var seed: UInt64?
    }
}

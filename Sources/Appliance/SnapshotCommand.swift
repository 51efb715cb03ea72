import ApplianceKit
import ArgumentParser
import FoundationEssentials

/// `aseed snapshot`: named snapshots of the running appliance's state (topics, offsets, the
/// analyzer's checkpoint, the simulator's seed and position), through the dashboard's API.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Save and restore named snapshots of the appliance's state, to resume a demo where it ended.",
        subcommands: [List.self, Save.self, Restore.self, Delete.self]
    )

    /// How long a save or restore may take: the components stop and the files are copied.
    static let timeoutSeconds = 300

    /// `aseed snapshot list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The snapshots saved.")

        @OptionGroup var options: DashboardClientOptions

        func run() async throws {
            let response = try options.send("GET", "/api/class/snapshots")
            let answer = try JSONDecoder().decode(Answer.self, from: Data(response.body))
            var table = TextTable("NAME", "SAVED", "SIZE", "TOPICS", "SIMULATOR SEED")
            for snapshot in answer.snapshots {
                table.add([
                    snapshot.name, snapshot.saved_at, DiskUsage.describe(snapshot.bytes),
                    "\(snapshot.topics.count)", snapshot.simulator_seed.map { "\($0)" } ?? "-",
                ])
            }
            print(table.text)
        }
    }

    /// `aseed snapshot save NAME`.
    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save the appliance's state under a name (the components pause for the copy)."
        )

        @OptionGroup var options: DashboardClientOptions

        @Argument(help: "Letters, digits, '.', '_' or '-'.")
        var name: String

        func run() async throws {
            let body = try JSONEncoder().encode(["name": name])
            let response = try options.send(
                "POST",
                "/api/class/snapshots",
                body: Array(body),
                token: true,
                timeoutSeconds: SnapshotCommand.timeoutSeconds
            )
            let snapshot = try JSONDecoder().decode(Summary.self, from: Data(response.body))
            let size = DiskUsage.describe(snapshot.bytes)
            print("saved snapshot '\(snapshot.name)': \(snapshot.topics.count) topics, \(size)")
        }
    }

    /// `aseed snapshot restore NAME`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put the appliance's state back as a snapshot saved it; what is there now is replaced."
        )

        @OptionGroup var options: DashboardClientOptions

        @Argument(help: "The snapshot's name.")
        var name: String

        func run() async throws {
            let response = try options.send(
                "POST",
                "/api/class/snapshots/\(name)/restore",
                token: true,
                timeoutSeconds: SnapshotCommand.timeoutSeconds
            )
            let snapshot = try JSONDecoder().decode(Summary.self, from: Data(response.body))
            print("restored snapshot '\(snapshot.name)' saved at \(snapshot.saved_at)")
        }
    }

    /// `aseed snapshot delete NAME`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a snapshot.")

        @OptionGroup var options: DashboardClientOptions

        @Argument(help: "The snapshot's name.")
        var name: String

        func run() async throws {
            _ = try options.send("DELETE", "/api/class/snapshots/\(name)?confirm=\(name)", token: true)
            print("deleted snapshot '\(name)'")
        }
    }

    /// A snapshot as the API answers it.
    struct Summary: Decodable {
        struct Topic: Decodable { var name: String }

        var name: String
        var saved_at: String
        var bytes: Int64
        var topics: [Topic]
        var simulator_seed: UInt64?
    }

    struct Answer: Decodable { var snapshots: [Summary] }
}

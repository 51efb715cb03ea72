import ApplianceKit
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `aseed`: the appliance's single executable.
@main
struct ASEEDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aseed",
        abstract: "ASEED: a real-time e-commerce order analytics appliance in one binary.",
        discussion: """
            Every option can also be given as an ASEED_* environment variable (for example \
            ASEED_DATA_DIR) or as a key in the --config file (for example data-dir = /var/lib/aseed). \
            Precedence: flag > environment > file > default.
            """,
        version: ASEEDVersion.current,
        subcommands: [
            RunCommand.self, BrokerCommand.self, SimulateCommand.self, AnalyzeCommand.self, DashboardCommand.self,
            StatusCommand.self, LogsCommand.self, RestartCommand.self, TopicsCommand.self, GroupsCommand.self,
            TransactionsCommand.self, UsersCommand.self, ProduceCommand.self, ConsumeCommand.self,
            LabCommand.self, ClassCommand.self, SnapshotCommand.self, VersionCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    /// Parses the command line and runs the command, after refusing a first word that names
    /// no command: the default command would otherwise take it (and `--help`) as its own.
    static func main() async {
        let commands = configuration.subcommands.map {
            (name: $0._commandName, abstract: $0.configuration.abstract)
        }
        // `help` is the parser's own command (`aseed help topics`).
        let names = commands.map(\.name) + ["help"]
        if let unknown = UnknownCommand(arguments: Array(CommandLine.arguments.dropFirst()), commands: names) {
            var message = unknown.message(program: _commandName, commands: commands)
            message.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
            Glibc.exit(UnknownCommand.exitStatus)
        }
        await main(nil)
    }
}

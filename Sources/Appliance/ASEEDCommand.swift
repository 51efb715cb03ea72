import ArgumentParser

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
            StatusCommand.self, LogsCommand.self, RestartCommand.self, TopicsCommand.self, GroupsCommand.self, ProduceCommand.self,
            ConsumeCommand.self, VersionCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}

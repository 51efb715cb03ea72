import ApplianceKit
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `aseed logs [component] [-f]`: the components' log files, like the original script's
/// `logs [service]`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show the log of one component (broker, simulator, analyzer, dashboard, appliance) or of all.",
        discussion:
            """
            Reads <log-dir>/<component>.log (set --log-dir or --config as the appliance has them; the package \
            logs to /var/log/aseed). With -f it follows the files, across rotations, until interrupted.
            """
    )

    static let components = ["appliance", "broker", "simulator", "analyzer", "dashboard"]

    @Option(help: ArgumentHelp("Configuration file of the appliance. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Directory of the log files. Env: ASEED_LOG_DIR. Default: ./logs", valueName: "dir"))
    var logDir: String?

    @Argument(help: "The component; all when left out.")
    var component: String?

    @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines as they are written.")
    var follow = false

    @Option(name: [.customShort("n"), .long], help: "Lines to show from the end of each file first.")
    var lines = 50

    func run() async throws {
        let settings = try Settings(configPath: config)
        let directory = settings.string("log-dir", flag: logDir, default: "logs")
        if let component, !Self.components.contains(component) {
            throw ValidationError(
                "unknown component '\(component)': expected one of \(Self.components.joined(separator: ", "))"
            )
        }
        let names = (component.map { [$0] } ?? Self.components).filter { access(directory + "/\($0).log", R_OK) == 0 }
        guard !names.isEmpty else {
            throw OperatorError(
                """
                no \(component.map { "\($0).log" } ?? "log files") in \(directory): is that the appliance's \
                --log-dir? (the package logs to /var/log/aseed)
                """
            )
        }
        var followers = names.map { LogFollower(path: directory + "/\($0).log", label: names.count > 1 ? $0 : nil) }
        for index in followers.indices {
            followers[index].printTail(lines: lines)
        }
        while follow && !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(200))
            for index in followers.indices { followers[index].printNew() }
        }
    }
}

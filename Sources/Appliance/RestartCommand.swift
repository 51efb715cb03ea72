import ApplianceKit
import ArgumentParser

/// `aseed restart <component>`: asks the running appliance, through its dashboard's control
/// API, to restart one component (the original script's `restart-service`).
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart one component of the running appliance: broker, simulator, analyzer or dashboard.",
        discussion:
            """
            Needs the admin token: --admin-token, the admin-token config key, or the file \
            <data-dir>/dashboard/admin-token the appliance wrote at its first start (readable by its user).
            """
    )

    @OptionGroup var options: DashboardClientOptions

    @Argument(help: "broker, simulator, analyzer or dashboard")
    var component: String

    func run() async throws {
        guard ["broker", "simulator", "analyzer", "dashboard"].contains(component) else {
            throw ValidationError("unknown component '\(component)': expected broker, simulator, analyzer or dashboard")
        }
        _ = try options.send("POST", "/api/control/components/\(component)/restart", token: true)
        print("\(component) is restarting")
    }
}

/// Where the running appliance's dashboard is: a flag, the `dashboard-listen` setting, or
/// localhost:5005; a listener on every interface is reached on localhost.
enum DashboardAddress {
    static func resolve(flag: String?, settings: Settings) throws -> (host: String, port: Int) {
        let text = flag ?? settings.optionalString("dashboard-listen", flag: nil) ?? "localhost:5005"
        guard let endpoint = HostAndPort(text) else {
            throw ValidationError("--dashboard: expected HOST:PORT, got '\(text)'")
        }
        let host = ["0.0.0.0", "::", ""].contains(endpoint.host) ? "localhost" : endpoint.host
        return (host, endpoint.port)
    }
}

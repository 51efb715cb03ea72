import ApplianceKit
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

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

    @Option(help: ArgumentHelp("Configuration file of the appliance. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "The dashboard's address. Default: the appliance's dashboard-listen from the config, else localhost:5005",
            valueName: "host:port"
        )
    )
    var dashboard: String?

    @Option(
        help: ArgumentHelp(
            "The appliance's data directory, where its admin token is. Env: ASEED_DATA_DIR. Default: ./data",
            valueName: "dir"
        )
    )
    var dataDir: String?

    @Option(help: ArgumentHelp("The admin token. Env: ASEED_ADMIN_TOKEN.", valueName: "token"))
    var adminToken: String?

    @Argument(help: "broker, simulator, analyzer or dashboard")
    var component: String

    func run() async throws {
        guard ["broker", "simulator", "analyzer", "dashboard"].contains(component) else {
            throw ValidationError("unknown component '\(component)': expected broker, simulator, analyzer or dashboard")
        }
        let settings = try Settings(configPath: config)
        let token = try adminTokenValue(settings)
        let address = try DashboardAddress.resolve(flag: dashboard, settings: settings)
        let response = try ApplianceHTTPClient(host: address.host, port: address.port).send(
            "POST",
            "/api/control/components/\(component)/restart",
            headers: ["Authorization": "Bearer \(token)"]
        )
        switch response.status {
        case 200..<300: print("\(component) is restarting")
        case 401:
            throw OperatorError(
                "the appliance refused the admin token: check --admin-token or the file in its data directory"
            )
        default:
            throw OperatorError(
                "the appliance answered \(response.status): \(String(decoding: response.body, as: UTF8.self))"
            )
        }
    }

    private func adminTokenValue(_ settings: Settings) throws -> String {
        if let token = settings.optionalString("admin-token", flag: adminToken), !token.isEmpty { return token }
        let path = settings.string("data-dir", flag: dataDir, default: "data") + "/dashboard/admin-token"
        guard let file = fopen(path, "r") else {
            throw OperatorError(
                """
                no admin token: give --admin-token, or run as a user that can read \(path) \
                (\(String(cString: strerror(errno))))
                """
            )
        }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else {
            throw OperatorError("the admin token file \(path) is empty")
        }
        let token = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .filter { !$0.isWhitespace }
        guard !token.isEmpty else { throw OperatorError("the admin token file \(path) is empty") }
        return token
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

import ApplianceKit
import ArgumentParser
import FoundationEssentials

/// Where the running appliance's dashboard is and its admin token, for the operator commands
/// that act through the dashboard's REST API (`restart`, `lab`).
struct DashboardClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Configuration file of the appliance. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "The dashboard's address. Default: the appliance's dashboard-listen from the config, "
                + "else localhost:5005",
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

    /// Sends one request to the dashboard, with the admin token when `token` is set, waiting
    /// at most `timeoutSeconds` for the answer.
    ///
    /// - Throws: `OperatorError` with the dashboard's message for any answer but 2xx.
    func send(
        _ method: String,
        _ path: String,
        body: [UInt8] = [],
        token: Bool = false,
        timeoutSeconds: Int = 5
    ) throws
        -> ApplianceHTTPClient.Response
    {
        let settings = try Settings(configPath: config)
        let address = try DashboardAddress.resolve(flag: dashboard, settings: settings)
        var headers: [String: String] = [:]
        if token {
            let value = try OperatorAdminToken.resolve(flag: adminToken, dataDir: dataDir, settings: settings)
            headers["Authorization"] = "Bearer \(value)"
        }
        if !body.isEmpty { headers["Content-Type"] = "text/plain; charset=utf-8" }
        let client = ApplianceHTTPClient(host: address.host, port: address.port, timeoutSeconds: timeoutSeconds)
        let response = try client.send(
            method,
            path,
            headers: headers,
            body: body
        )
        guard (200..<300).contains(response.status) else { throw Self.refusal(response) }
        return response
    }

    /// The dashboard's error answer as an operator error: its message, or the status.
    static func refusal(_ response: ApplianceHTTPClient.Response) -> OperatorError {
        if response.status == 401 {
            return OperatorError(
                "the appliance refused the admin token: check --admin-token or the file in its data directory"
            )
        }
        struct Answer: Decodable { var message: String }
        let message = (try? JSONDecoder().decode(Answer.self, from: Data(response.body)))?.message
        return OperatorError(message ?? "the appliance answered \(response.status)")
    }
}

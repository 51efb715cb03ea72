import ApplianceKit
import ArgumentParser
import KafkaWire
import Logging
import MiniBroker

/// How an operator command finds the cluster: `--bootstrap-servers`, else the login `aseed run`
/// leaves in its data directory while an authorizer is on (`ApplianceLoginFile`), else the
/// appliance's own listener from the config file (`kafka-advertise`, then `kafka-listen`), else
/// localhost:9092.
struct ClusterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Configuration file of the appliance ('key = value' lines). Env: ASEED_CONFIG.",
            valueName: "file"
        )
    )
    var config: String?

    @Option(
        help: ArgumentHelp(
            """
            Kafka brokers, comma-separated. Env: ASEED_BOOTSTRAP_SERVERS. Default: the appliance's listener from \
            the config, else localhost:9092
            """,
            valueName: "list"
        )
    )
    var bootstrapServers: String?

    @OptionGroup(title: "Logging in to a secured cluster") var security: ClientSecurityOptions

    /// The settings these options read, for commands that need more keys.
    func settings() throws -> Settings {
        try Settings(configPath: config)
    }

    /// The settings of the appliance's own login, when this command names neither a cluster nor
    /// a security protocol and the appliance left one in its data directory.
    private func applianceLogin(_ settings: Settings) -> Settings? {
        guard settings.raw("bootstrap-servers", flag: bootstrapServers) == nil,
            settings.raw("security-protocol", flag: security.securityProtocol) == nil,
            let file = ApplianceLoginFile.load(in: settings.string("data-dir", flag: nil, default: "data"))
        else { return nil }
        return Settings(file: file, environment: [:])
    }

    /// The brokers to talk to.
    func servers(_ settings: Settings) throws -> [BrokerAddress] {
        let text =
            applianceLogin(settings)?.optionalString("bootstrap-servers", flag: nil)
            ?? settings.optionalString("bootstrap-servers", flag: bootstrapServers)
            ?? settings.optionalString("kafka-advertise", flag: nil)
            ?? settings.optionalString("kafka-listen", flag: nil).map(Self.reachable)
            ?? Self.plaintextListener(settings)
            ?? "localhost:9092"
        do {
            return try BrokerAddress.parseList(text)
        } catch {
            throw ConfigurationError("bootstrap-servers: expected HOST:PORT[,HOST:PORT...], got '\(text)'")
        }
    }

    /// The advertised address of the appliance's PLAINTEXT listener when the config file sets
    /// `listeners`: operator commands do not log in.
    private static func plaintextListener(_ settings: Settings) -> String? {
        guard let listeners = settings.optionalString("listeners", flag: nil),
            let parsed = try? KafkaListener.parse(
                listeners,
                advertised: settings.optionalString("advertised-listeners", flag: nil)
            ),
            let plaintext = parsed.first(where: { $0.securityProtocol == .plaintext })
        else { return nil }
        return "\(plaintext.advertisedHost):\(plaintext.advertisedPort)"
    }

    /// A cluster configuration that gives up quickly: an operator wants an answer, not retries.
    func clusterConfiguration(_ settings: Settings, clientID: String) throws -> KafkaClusterConfiguration {
        var configuration = KafkaClusterConfiguration(bootstrapServers: try servers(settings), clientID: clientID)
        configuration.connectAttempts = 2
        configuration.connectTimeout = .seconds(2)
        configuration.requestTimeout = .seconds(15)
        configuration.metadataAttempts = 3
        configuration.security = try security.security(applianceLogin(settings) ?? settings)
        return configuration
    }

    /// The clients' logger for operator commands: errors only, so output stays readable (the
    /// command reports failures itself).
    var logger: Logger {
        var logger = Logger(label: "aseed")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` with an admin client of the cluster, closing it afterwards; an unreachable
    /// cluster becomes the advice to start the appliance.
    func withAdmin<Result>(_ body: (KafkaAdmin) async throws -> Result) async throws -> Result {
        let settings = try settings()
        let admin = KafkaAdmin(
            configuration: try clusterConfiguration(settings, clientID: "aseed-admin"),
            logger: logger
        )
        do {
            let result = try await withCluster(try servers(settings)) { try await body(admin) }
            await admin.close()
            return result
        } catch {
            await admin.close()
            throw error
        }
    }

    /// A listen address bound to every interface is reached on localhost.
    private static func reachable(_ listen: String) -> String {
        for any in ["0.0.0.0:", "[::]:"] where listen.hasPrefix(any) {
            return "localhost:" + listen.dropFirst(any.count)
        }
        return listen
    }
}

/// Runs an operator action, turning an unreachable cluster into the advice to start one.
func withCluster<Result>(_ servers: [BrokerAddress], _ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as KafkaClientError where error.code == .brokerUnreachable || error.code == .connectionClosed {
        let list = servers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        throw OperatorError(
            """
            no Kafka broker answers at \(list): is the appliance running? Start it with `aseed run` (or \
            `systemctl start aseed`), or name another cluster with --bootstrap-servers.
            """
        )
    } catch let error as KafkaClientError {
        throw OperatorError(error.message)
    }
}

import ArgumentParser
import Dashboard
import Logging
import MiniBroker
import NIOSSL

#if canImport(Glibc)
import ApplianceKit
import Glibc
#endif

/// The dashboard's options, shared by `aseed run` and `aseed dashboard`.
struct DashboardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Address the dashboard binds to. Env: ASEED_DASHBOARD_LISTEN. Default: 0.0.0.0:5005",
            valueName: "host:port"
        )
    )
    var dashboardListen: String?

    @Option(
        help: ArgumentHelp(
            """
            Bearer token for state-changing requests. Env: ASEED_ADMIN_TOKEN. Default: generated into \
            <data-dir>/dashboard/admin-token
            """,
            valueName: "token"
        )
    )
    var adminToken: String?

    @Option(
        help: ArgumentHelp(
            """
            Serve the dashboard over HTTPS (true|false), with --tls-certificate/--tls-key or the certificate \
            the appliance makes in <data-dir>/tls/. Default: false
            """,
            valueName: "bool"
        )
    )
    var dashboardTls: Bool?

    @Option(
        help: ArgumentHelp(
            "Largest request body in bytes; larger ones get 413. Env: ASEED_DASHBOARD_BODY_LIMIT. Default: 1048576",
            valueName: "bytes"
        )
    )
    var dashboardBodyLimit: Int?

    @Option(
        help: ArgumentHelp(
            """
            Extra origins allowed to open the WebSocket, comma-separated (http://host:port), or *. Env: \
            ASEED_DASHBOARD_ORIGINS. Default: the page's own host only
            """,
            valueName: "list"
        )
    )
    var dashboardOrigins: String?

    @Option(
        help: ArgumentHelp(
            """
            Chart.js file served to the page. Env: ASEED_CHART_JS. Default: \
            \(DashboardConfiguration.debianChartJS) (Debian's libjs-chart.js)
            """,
            valueName: "file"
        )
    )
    var chartJs: String?

    @Option(
        help: ArgumentHelp(
            """
            Time a request head may take to arrive whole, in ms (then 408 and close). Env: \
            ASEED_DASHBOARD_HEADER_TIMEOUT_MS. Default: 10000
            """,
            valueName: "ms"
        )
    )
    var dashboardHeaderTimeoutMs: Int?

    @Option(
        help: ArgumentHelp(
            """
            Time an idle kept-alive connection stays open, in ms. Env: ASEED_DASHBOARD_IDLE_TIMEOUT_MS. Default: \
            60000
            """,
            valueName: "ms"
        )
    )
    var dashboardIdleTimeoutMs: Int?

    @Option(
        help: ArgumentHelp(
            """
            Seconds between two samples of every consumer group's lag, kept for 24 hours in \
            <data-dir>/dashboard/lag-history.sqlite. Env: ASEED_LAG_SAMPLE_SECONDS. Default: 10
            """,
            valueName: "seconds"
        )
    )
    var lagSampleSeconds: Int?

    /// The time between two lag samples.
    func lagSampleInterval(_ settings: Settings) throws -> Duration {
        let seconds = try settings.integer("lag-sample-seconds", flag: lagSampleSeconds, default: 10)
        guard (1...3600).contains(seconds) else {
            throw ConfigurationError("lag-sample-seconds: expected 1 to 3600 seconds, got \(seconds)")
        }
        return .seconds(seconds)
    }

    /// The dashboard's configuration; a token made on first start is printed once to standard error.
    /// - Parameters:
    ///   - tlsFlags: `--tls-certificate` and `--tls-key` where the command has them.
    ///   - tlsHosts: the embedded broker's advertised hosts: a certificate made here must name
    ///     them too, since the broker's TLS listeners will use it.
    func configuration(
        _ settings: Settings,
        dataDirectory: String,
        tlsFlags: (certificate: String?, key: String?) = (nil, nil),
        tlsHosts: [String] = [],
        logger: Logger
    ) throws -> DashboardConfiguration {
        let listen = try settings.endpoint("dashboard-listen", flag: dashboardListen, default: "0.0.0.0:5005")
        let limit = try settings.integer("dashboard-body-limit", flag: dashboardBodyLimit, default: 1 << 20)
        guard limit > 0 else {
            throw ConfigurationError("dashboard-body-limit: expected a number of bytes above 0, got \(limit)")
        }
        let origins =
            settings.optionalString("dashboard-origins", flag: dashboardOrigins)?
            .split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } ?? []
        let headerTimeout = try milliseconds(
            settings,
            "dashboard-header-timeout-ms",
            flag: dashboardHeaderTimeoutMs,
            default: 10_000
        )
        let idleTimeout = try milliseconds(
            settings,
            "dashboard-idle-timeout-ms",
            flag: dashboardIdleTimeoutMs,
            default: 60_000
        )
        var configuration = DashboardConfiguration(
            host: listen.host,
            port: listen.port,
            adminToken: try token(settings, dataDirectory: dataDirectory, logger: logger),
            bodyLimit: limit,
            allowedOrigins: origins,
            chartJSPath: settings.string("chart-js", flag: chartJs, default: DashboardConfiguration.debianChartJS),
            assets: EmbeddedAssets.files,
            headerTimeout: headerTimeout,
            idleTimeout: idleTimeout
        )
        if try settings.bool("dashboard-tls", flag: dashboardTls, default: false) {
            let identity = try TLSSettings.identity(
                settings,
                flags: tlsFlags,
                dataDirectory: dataDirectory,
                extraHosts: [listen.host] + tlsHosts
            )
            let made = identity.generated ? " (made now)" : ""
            logger.info("HTTPS with \(identity.certificatePath)\(made), SHA-256 fingerprint \(identity.fingerprint)")
            configuration.tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: identity.certificates.map { .certificate($0) },
                privateKey: .privateKey(identity.privateKey)
            )
        }
        return configuration
    }

    private func milliseconds(
        _ settings: Settings,
        _ key: String,
        flag: Int?,
        default defaultValue: Int
    ) throws -> Duration {
        let value = try settings.integer(key, flag: flag, default: defaultValue)
        guard value > 0 else {
            throw ConfigurationError("\(key): expected a number of milliseconds above 0, got \(value)")
        }
        return .milliseconds(value)
    }

    private func token(_ settings: Settings, dataDirectory: String, logger: Logger) throws -> String {
        if let (given, source) = settings.raw("admin-token", flag: adminToken) {
            guard given.count >= 16 else {
                throw ConfigurationError("\(source): the admin token must have at least 16 characters")
            }
            return given
        }
        do {
            let loaded = try AdminTokenFile.load(directory: dataDirectory + "/dashboard")
            if loaded.created {
                // Shown once, on the terminal (or journal) of the start that made it, and never
                // written to a log file: logs are readable by the service's group, the token
                // file by its user only. Afterwards it is only in the file.
                logger.notice(
                    "dashboard admin token generated into \(loaded.path) (shown once on standard error, never logged)"
                )
                Self.showOnTerminal("dashboard admin token (kept in \(loaded.path)): \(loaded.token)\n")
            }
            return loaded.token
        } catch {
            throw ConfigurationError("admin-token: \(error)")
        }
    }

    /// Writes straight to standard error, past the log sink (which would copy it into the log file).
    private static func showOnTerminal(_ text: String) {
        var line = text
        line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

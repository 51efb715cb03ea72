import Logging
import ServiceLifecycle

/// Runs the services of one command (`run`, `broker`, `simulate`, `analyze`, `dashboard`) the
/// same way: each component logs to `<log-dir>/<component>.log` and standard error, the
/// services run in one `ServiceGroup` that SIGTERM and SIGINT stop gracefully, and a second
/// signal ends the process at once (`ForcedExit`).
public struct ServiceRunner: Sendable {
    private let logDirectory: String
    private let settings: Settings
    private let logMaxBytes: Int?
    private let logFiles: Int?

    /// A runner whose loggers write to `logDirectory`, rotating with `log-max-bytes` and
    /// `log-files` (the flags, nil for a command without them, then ASEED_* and the config).
    public init(logDirectory: String, settings: Settings, logMaxBytes: Int? = nil, logFiles: Int? = nil) {
        self.logDirectory = logDirectory
        self.settings = settings
        self.logMaxBytes = logMaxBytes
        self.logFiles = logFiles
    }

    /// The logger of `component`, writing to its own log file (created with the directory).
    ///
    /// - Throws: `ConfigurationError` for unusable rotation settings or a log directory or
    ///   file that cannot be made.
    public func logger(_ component: String) throws -> Logger {
        let sink = try LogSink(
            directory: logDirectory,
            component: component,
            settings: settings,
            maxBytesFlag: logMaxBytes,
            filesFlag: logFiles
        )
        return sink.logger(component)
    }

    /// Runs `services` in order until they end or a signal stops them (in reverse order).
    ///
    /// - Parameters:
    ///   - logger: where the group and the forced exit log.
    ///   - stopTimeout: the longest a graceful stop may take before the process exits with
    ///     status 1; nil waits for it.
    ///   - pending: the names of the components still stopping, for that exit's message.
    public func run(
        _ services: [ServiceGroupConfiguration.ServiceConfiguration],
        logger: Logger,
        stopTimeout: Duration? = nil,
        pending: @escaping @Sendable () -> [String] = { [] }
    ) async throws {
        await ForcedExit.watch(logger: logger, stopTimeout: stopTimeout, pending: pending)
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            )
        )
        try await group.run()
    }
}

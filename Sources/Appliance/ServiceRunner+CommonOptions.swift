import ApplianceKit

extension ServiceRunner {
    /// A runner with the log rotation flags of `common`.
    init(logDirectory: String, settings: Settings, common: CommonOptions) {
        self.init(
            logDirectory: logDirectory,
            settings: settings,
            logMaxBytes: common.logMaxBytes,
            logFiles: common.logFiles
        )
    }
}

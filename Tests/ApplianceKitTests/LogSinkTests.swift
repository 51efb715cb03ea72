import ApplianceKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Log sink")
struct LogSinkTests {
    /// A log line of exactly 50 bytes carrying its number.
    private static func line(_ number: Int) -> String {
        let text = "line \(number) "
        return text + String(repeating: "x", count: 49 - text.utf8.count) + "\n"
    }

    @Test func theFileRotatesWhenItReachesTheLimitAndKeepsTheNewest() throws {
        let directory = TemporaryDirectory()
        let sink = try LogSink(directory: directory.path, component: "broker", maxBytes: 200, keep: 2)
        // 200 bytes are 4 lines: lines 1-4, 5-8, 9-12 and 13-16 fill a file each, 17 starts one.
        for number in 1...17 { sink.write(Self.line(number), level: .debug) }
        let log = directory.path + "/broker.log"
        #expect(TemporaryDirectory.names(in: directory.path) == ["broker.log", "broker.log.1", "broker.log.2"])
        #expect(TemporaryDirectory.read(log) == Self.line(17))
        #expect(TemporaryDirectory.read(log + ".1") == (13...16).map(Self.line).joined())
        #expect(TemporaryDirectory.read(log + ".2") == (9...12).map(Self.line).joined())
    }

    @Test func belowTheLimitNothingRotates() throws {
        let directory = TemporaryDirectory()
        let sink = try LogSink(directory: directory.path, component: "analyzer", maxBytes: 200, keep: 2)
        for number in 1...3 { sink.write(Self.line(number), level: .info) }
        #expect(TemporaryDirectory.names(in: directory.path) == ["analyzer.log"])
    }

    @Test func keepingNoRotatedFileStartsTheLogOver() throws {
        let directory = TemporaryDirectory()
        let sink = try LogSink(directory: directory.path, component: "simulator", maxBytes: 200, keep: 0)
        for number in 1...6 { sink.write(Self.line(number), level: .info) }
        #expect(TemporaryDirectory.names(in: directory.path) == ["simulator.log"])
        #expect(TemporaryDirectory.read(directory.path + "/simulator.log") == Self.line(5) + Self.line(6))
    }

    @Test func aReopenedLogAppendsAndCountsWhatIsThere() throws {
        let directory = TemporaryDirectory()
        let log = directory.path + "/broker.log"
        TemporaryDirectory.write(Self.line(1) + Self.line(2) + Self.line(3), to: log)
        let sink = try LogSink(directory: directory.path, component: "broker", maxBytes: 200, keep: 1)
        sink.write(Self.line(4), level: .info)
        #expect(TemporaryDirectory.names(in: directory.path) == ["broker.log", "broker.log.1"])
        #expect(TemporaryDirectory.read(log + ".1") == (1...4).map(Self.line).joined())
    }

    @Test func filesAreForTheOwnerAndGroupOnly() throws {
        let directory = TemporaryDirectory()
        let logs = directory.path + "/new/logs"
        let sink = try LogSink(directory: logs, component: "broker", maxBytes: 200, keep: 1)
        for number in 1...5 { sink.write(Self.line(number), level: .info) }
        let mask = TemporaryDirectory.currentUmask()
        #expect(TemporaryDirectory.mode(of: logs) == LogSink.directoryMode & ~mask)
        #expect(TemporaryDirectory.mode(of: logs + "/broker.log") == 0o640 & ~mask)
        #expect(TemporaryDirectory.mode(of: logs + "/broker.log.1") == 0o640 & ~mask)
    }

    @Test func aLooserExistingFileIsTightened() throws {
        let directory = TemporaryDirectory()
        let log = directory.path + "/dashboard.log"
        TemporaryDirectory.write("old\n", to: log)
        chmod(log, 0o666)
        _ = try LogSink(directory: directory.path, component: "dashboard")
        #expect(TemporaryDirectory.mode(of: log) == 0o640)
    }

    @Test func rotationSettingsFollowThePrecedenceAndAreChecked() throws {
        let directory = TemporaryDirectory()
        let settings = Settings(file: ConfigFile(values: ["log-max-bytes": "100"]), environment: [:])
        #expect(throws: ConfigurationError.self) {
            try LogSink(directory: directory.path, component: "broker", settings: settings)
        }
        // The flag wins over the file's value that is too small.
        _ = try LogSink(directory: directory.path, component: "broker", settings: settings, maxBytesFlag: 4096)
        let negative = Settings(file: ConfigFile(), environment: ["ASEED_LOG_FILES": "-1"])
        let error = #expect(throws: ConfigurationError.self) {
            try LogSink(directory: directory.path, component: "broker", settings: negative)
        }
        #expect(error?.description == "log-files: expected 0 or more rotated files, got -1")
    }
}

import ApplianceKit
import Testing

@Suite("Settings")
struct SettingsTests {
    private let file = ConfigFile(values: ["data-dir": "/from/file", "log-dir": "/logs/file"])

    @Test func aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() {
        let settings = Settings(file: file, environment: ["ASEED_DATA_DIR": "/from/env"])
        #expect(settings.string("data-dir", flag: "/from/flag", default: "data") == "/from/flag")
        #expect(settings.string("data-dir", flag: nil, default: "data") == "/from/env")
        #expect(settings.string("log-dir", flag: nil, default: "logs") == "/logs/file")
        #expect(settings.string("topic", flag: nil, default: "orders") == "orders")
        #expect(settings.optionalString("topic", flag: nil) == nil)
    }

    @Test func theRawValueNamesItsSource() {
        let settings = Settings(file: file, environment: ["ASEED_DATA_DIR": "/from/env"])
        #expect(settings.raw("data-dir", flag: "x")?.source == "--data-dir")
        #expect(settings.raw("data-dir", flag: nil)?.source == "ASEED_DATA_DIR")
        #expect(settings.raw("log-dir", flag: nil)?.source == "config key 'log-dir'")
        #expect(settings.raw("kafka-listen", flag: nil) == nil)
        let name = Settings.environmentName(for: "group-initial-rebalance-delay-ms")
        #expect(name == "ASEED_GROUP_INITIAL_REBALANCE_DELAY_MS")
    }

    @Test func numbersAndSwitchesAreParsedAndBadOnesNameTheirSource() throws {
        let settings = Settings(
            file: ConfigFile(values: ["log-files": "five", "no-simulator": "yes"]),
            environment: ["ASEED_LOG_MAX_BYTES": "8192", "ASEED_NO_ANALYZER": "maybe"]
        )
        #expect(try settings.integer("log-max-bytes", flag: nil, default: 1) == 8192)
        #expect(try settings.integer("log-max-bytes", flag: 4096, default: 1) == 4096)
        #expect(try settings.integer("customers", flag: nil, default: 1000) == 1000)
        let number = #expect(throws: ConfigurationError.self) {
            try settings.integer("log-files", flag: nil, default: 3)
        }
        #expect(number?.description == "config key 'log-files': expected an integer, got 'five'")
        #expect(try settings.bool("no-simulator", flag: nil, default: false))
        #expect(try !settings.bool("no-simulator", flag: false, default: true))
        let switchError = #expect(throws: ConfigurationError.self) {
            try settings.bool("no-analyzer", flag: nil, default: false)
        }
        #expect(switchError?.description == "ASEED_NO_ANALYZER: expected true or false, got 'maybe'")
    }

    @Test func endpointsFallBackToTheirDefault() throws {
        let settings = Settings(file: ConfigFile(values: ["kafka-listen": "[::1]:19092"]), environment: [:])
        #expect(try settings.endpoint("kafka-listen", flag: nil, default: "0.0.0.0:9092").description == "[::1]:19092")
        #expect(try settings.endpoint("dashboard-listen", flag: nil, default: ":5005").description == "0.0.0.0:5005")
        let error = #expect(throws: ConfigurationError.self) {
            try settings.endpoint("kafka-listen", flag: "nowhere", default: "0.0.0.0:9092")
        }
        #expect(error?.description == "--kafka-listen: expected HOST:PORT, got 'nowhere'")
    }

    @Test func theConfigFileIsNamedByFlagOrEnvironment() throws {
        let directory = TemporaryDirectory()
        let flagged = directory.path + "/flag.conf"
        let named = directory.path + "/env.conf"
        TemporaryDirectory.write("data-dir = /flagged\n", to: flagged)
        TemporaryDirectory.write("data-dir = /named\n", to: named)
        let environment = ["ASEED_CONFIG": named]
        let byFlag = try Settings(configPath: flagged, environment: environment)
        #expect(byFlag.string("data-dir", flag: nil, default: "") == "/flagged")
        let byEnvironment = try Settings(configPath: nil, environment: environment)
        #expect(byEnvironment.string("data-dir", flag: nil, default: "") == "/named")
        let none = try Settings(configPath: nil, environment: [:])
        #expect(none.string("data-dir", flag: nil, default: "data") == "data")
        let missing = #expect(throws: ConfigurationError.self) {
            try Settings(configPath: directory.path + "/none.conf", environment: [:])
        }
        #expect(missing?.description == "config: cannot read '\(directory.path)/none.conf'")
    }

    @Test func configFileLinesAreKeyEqualsValueWithCommentsAndQuotes() throws {
        let text = "# the appliance\n\n  data-dir = /srv/aseed  # where\nkafka-advertise = \"host:9092\"\nempty =\n"
        let parsed = try ConfigFile(parsing: text, path: "aseed.conf")
        #expect(parsed.values == ["data-dir": "/srv/aseed", "kafka-advertise": "host:9092", "empty": ""])
        let noEquals = #expect(throws: ConfigurationError.self) {
            try ConfigFile(parsing: "data-dir = /x\nnonsense\n", path: "aseed.conf")
        }
        #expect(noEquals?.description == "aseed.conf:2: expected 'key = value', got 'nonsense'")
        let noKey = #expect(throws: ConfigurationError.self) { try ConfigFile(parsing: " = 5", path: "a.conf") }
        #expect(noKey?.description == "a.conf:1: missing key before '='")
    }
}

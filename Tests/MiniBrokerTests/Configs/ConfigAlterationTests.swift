import KafkaWire
import Testing

@testable import MiniBroker

@Suite("Configs: alterations and checks")
struct ConfigAlterationTests {
    private func incremental(_ changes: [(String, Int8, String?)]) throws -> ConfigAlteration {
        try ConfigAlteration(
            incremental: changes.map { .init(name: $0.0, configOperation: $0.1, value: $0.2) }
        )
    }

    private func apply(
        _ alteration: ConfigAlteration,
        to current: [String: String],
        replacing: Bool = false
    ) throws -> [String: String] {
        try alteration.applied(
            to: current,
            replacing: replacing,
            definition: TopicConfigs.requireDefinition(named:),
            inherited: { $0.value(BrokerConfiguration()) }
        )
    }

    @Test func setAndDeleteChangeOnlyTheirKeys() throws {
        let alteration = try incremental([("retention.ms", 0, "1000"), ("segment.bytes", 1, nil)])
        let result = try apply(alteration, to: ["segment.bytes": "5000", "retention.bytes": "10"])
        #expect(result == ["retention.ms": "1000", "retention.bytes": "10"])
    }

    @Test func appendAndSubtractWorkOnListsStartingFromTheInheritedValue() throws {
        let appended = try apply(try incremental([("cleanup.policy", 2, "delete")]), to: [:])
        #expect(appended == ["cleanup.policy": "delete"])
        let subtracted = try apply(try incremental([("cleanup.policy", 3, "delete")]), to: [:])
        #expect(subtracted == ["cleanup.policy": ""])
        #expect(TopicConfigs.problem(in: subtracted) != nil)
    }

    @Test func appendToANonListKeyIsAnInvalidConfig() throws {
        let alteration = try incremental([("retention.ms", 2, "5")])
        #expect(throws: TopicRegistry.TopicError.self) { try apply(alteration, to: [:]) }
        do {
            _ = try apply(alteration, to: [:])
        } catch let error as TopicRegistry.TopicError {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("retention.ms"))
        }
    }

    @Test func unknownKeysDuplicatesAndOperationsAreRefusedByName() throws {
        func code(_ body: () throws -> Void) -> KafkaErrorCode? {
            do {
                try body()
                return nil
            } catch let error as TopicRegistry.TopicError {
                return error.code
            } catch {
                return .unknownServerError
            }
        }
        #expect(code { _ = try apply(try incremental([("no.such", 0, "1")]), to: [:]) } == .invalidConfig)
        let twice = [("retention.ms", Int8(0), "1" as String?), ("retention.ms", 1, nil)]
        #expect(code { _ = try apply(try incremental(twice), to: [:]) } == .invalidRequest)
        #expect(code { _ = try incremental([("retention.ms", 9, "1")]) } == .invalidRequest)
    }

    @Test func legacyAlterConfigsReplacesEverything() throws {
        let alteration = ConfigAlteration(replacingWith: [.init(name: "retention.ms", value: "1")])
        let result = try apply(alteration, to: ["segment.bytes": "5000"], replacing: true)
        #expect(result == ["retention.ms": "1"])
    }

    @Test func valuesAreCheckedAgainstEachKeysRule() {
        #expect(TopicConfigs.problem(key: "retention.ms", value: "-1") == nil)
        #expect(TopicConfigs.problem(key: "retention.ms", value: "-2")?.contains("retention.ms") == true)
        #expect(TopicConfigs.problem(key: "segment.bytes", value: "0") != nil)
        #expect(TopicConfigs.problem(key: "segment.bytes", value: "3000000000") != nil)
        #expect(TopicConfigs.problem(key: "compression.type", value: "producer") == nil)
        #expect(TopicConfigs.problem(key: "compression.type", value: "zstd") != nil)
        #expect(TopicConfigs.problem(key: "min.insync.replicas", value: "2") != nil)
        #expect(TopicConfigs.problem(key: "flush.ms", value: "1")?.contains("unknown") == true)
    }

    @Test func brokerValuesApplyUnderTheTopicsOwnAndTheBrokerWinsOverTheClusterDefault() {
        var broker = BrokerConfigs()
        broker[.clusterDefault] = ["log.retention.ms": "1000", "log.segment.bytes": "2000"]
        broker[.broker] = ["log.retention.ms": "3000"]
        let settings = BrokerConfiguration().effective(broker: broker, topicOverrides: ["segment.bytes": "4000"])
        #expect(settings.retentionMilliseconds == 3000)
        #expect(settings.segmentBytes == 4000)
        #expect(BrokerConfigs.problem(key: "log.retention.ms", value: "x") != nil)
        #expect(BrokerConfigs.problem(key: "num.partitions", value: "4")?.contains("cannot change") == true)
        #expect(BrokerConfigs.problem(key: "log.flush.ms", value: "4")?.contains("unknown") == true)
    }
}

import ApplianceKit
import ArgumentParser
import KafkaWire
import Simulator

/// The simulator's options, shared by `aseed simulate` and `aseed run`.
struct SimulatorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Topic to produce to. Default: orders", valueName: "name"))
    var topic: String?

    @Option(
        help: ArgumentHelp(
            "Orders per second (fractions allowed, e.g. 0.5). Default: the original's one every 3-8 s",
            valueName: "n"
        )
    )
    var rate: Double?

    @Flag(help: "Produce as fast as the broker takes them.")
    var flood = false

    @Option(help: ArgumentHelp("Stop after this many orders. Default: run until stopped", valueName: "n"))
    var count: Int?

    @Option(
        help: ArgumentHelp("Size of the customer pool (CUST-0001 ...). Default: the original's 1000", valueName: "n")
    )
    var customers: Int?

    @Option(
        help: ArgumentHelp(
            "Seed of the random choices, for reproducible runs (order ids stay unique). Default: random",
            valueName: "n"
        )
    )
    var seed: UInt64?

    @Option(
        help: ArgumentHelp(
            "CSV catalog (product_id,product_name,category,price[,weight]) replacing the built-in 60 products.",
            valueName: "file"
        )
    )
    var catalog: String?

    @Option(
        help: ArgumentHelp(
            """
            Follow a retail day: few orders at night, peaks at lunch and in the evening; the value is the shop's \
            offset from UTC in minutes (0 for UTC, 60 for Central Europe in winter). Default: off
            """,
            valueName: "minutes"
        )
    )
    var dailyPattern: Int?

    @Option(
        help: ArgumentHelp(
            """
            Start a classroom scenario with the run (repeatable): flash-sale:PROD-001 or flash-sale:Electronics, \
            spike, viral:PROD-042, malformed:50; add :30s or :5m to set its duration.
            """,
            valueName: "scenario"
        )
    )
    var scenario: [String] = []

    @Option(
        help: ArgumentHelp(
            "Compression of produced batches: lz4, gzip, zstd, snappy or none. Default: lz4",
            valueName: "codec"
        )
    )
    var compression: String?

    @Option(help: ArgumentHelp("Acknowledgements to wait for: all, 1 or 0. Default: all", valueName: "acks"))
    var acks: String?

    /// Everything the command line, environment and config file say, checked.
    func options(
        _ settings: Settings,
        bootstrapServers servers: String,
        security: KafkaClientSecurity = .plaintext
    ) throws -> SimulatorComponent.Configuration {
        let addresses: [BrokerAddress]
        do {
            addresses = try BrokerAddress.parseList(servers)
        } catch {
            throw ConfigurationError("bootstrap-servers: expected HOST:PORT[,HOST:PORT...], got '\(servers)'")
        }
        var producer = KafkaProducerConfiguration(bootstrapServers: addresses, clientID: "aseed-simulator")
        producer.cluster.security = security
        producer.compression = try codec(settings.string("compression", flag: compression, default: "lz4"))
        producer.acks = try acknowledgements(settings.string("acks", flag: acks, default: "all"))
        producer.idempotence = producer.acks == .all

        let catalogFile = settings.optionalString("catalog", flag: catalog)
        let products: Catalog
        do {
            products = try catalogFile.map { try Catalog(contentsOfFile: $0) } ?? .standard
        } catch {
            throw ConfigurationError("\(error)")
        }
        let now = SystemOrderClock().nowMicros()
        let seedValue: UInt64 = try settings.integer("seed", flag: seed, default: UInt64.random(in: 0...UInt64.max))
        let pattern: DailyPattern? = try settings.raw("daily-pattern", flag: dailyPattern.map { String($0) }).map {
            value,
            source in
            guard let offset = Int(value), (-14 * 60)...(14 * 60) ~= offset else {
                throw ConfigurationError(
                    "\(source): expected an offset from UTC in minutes (-840 to 840), got '\(value)'"
                )
            }
            return DailyPattern.retail(utcOffsetMinutes: offset)
        }
        let customerCount = try settings.integer("customers", flag: customers, default: 1000)
        guard customerCount >= 1 else {
            throw ConfigurationError("customers: expected a pool of at least 1 customer, got \(customerCount)")
        }
        let generator = OrderGenerator.Configuration(
            catalog: products,
            seed: seedValue,
            runID: .make(startMicros: now),
            customers: CustomerPool.Configuration(count: customerCount),
            dailyPattern: pattern
        )
        var pacing = PacingMode.standard
        if try settings.bool("flood", flag: flood ? true : nil, default: false) {
            pacing = .flood
        } else if let (value, source) = settings.raw("rate", flag: rate.map { String($0) }) {
            guard let perSecond = Double(value), perSecond > 0, perSecond.isFinite else {
                throw ConfigurationError("\(source): expected a positive number of orders per second, got '\(value)'")
            }
            pacing = .fixed(perSecond: perSecond)
        }
        let limit: Int? = try settings.raw("count", flag: count.map { String($0) }).map { value, source in
            guard let parsed = Int(value), parsed >= 0 else {
                throw ConfigurationError("\(source): expected a count of 0 or more, got '\(value)'")
            }
            return parsed
        }
        let topicName = settings.string("topic", flag: topic, default: "orders")
        let scenarios = try scenario.map { try ScenarioOption(parsing: $0, catalog: products).scenario }
        return SimulatorComponent.Configuration(
            topic: topicName,
            simulation: OrderSimulator.Configuration(generator: generator, pacing: pacing, count: limit),
            producer: producer,
            scenarios: scenarios
        )
    }

    private func codec(_ name: String) throws -> CompressionCodec {
        guard let codec = CompressionCodec(name: name) else {
            throw ConfigurationError("compression: expected lz4, gzip, zstd, snappy or none, got '\(name)'")
        }
        return codec
    }

    private func acknowledgements(_ text: String) throws -> ProducerAcks {
        switch text {
        case "all", "-1": return .all
        case "1": return .leader
        case "0": return .none
        default: throw ConfigurationError("acks: expected all, 1 or 0, got '\(text)'")
        }
    }
}

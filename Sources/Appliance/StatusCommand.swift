import ApplianceKit
import ArgumentParser
import FoundationEssentials
import KafkaWire
import Logging
import MiniBroker

/// `aseed status`: what a running appliance is doing: components, ports, throughput, lag and
/// disk use, from its broker (Kafka protocol) and its dashboard (`/api/service-status`).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running appliance's components, ports, throughput, lag and disk use.",
        discussion:
            """
            Asks the broker over Kafka and the dashboard over HTTP; reads --config like the appliance so it finds \
            both. Exits 1 when no appliance answers.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(
        help: ArgumentHelp(
            "The dashboard's address. Default: the appliance's dashboard-listen from the config, else localhost:5005",
            valueName: "host:port"
        )
    )
    var dashboard: String?

    @Option(
        help: ArgumentHelp(
            "The appliance's data directory, for its disk use. Env: ASEED_DATA_DIR. Default: ./data",
            valueName: "dir"
        )
    )
    var dataDir: String?

    func run() async throws {
        let settings = try cluster.settings()
        let servers = try cluster.servers(settings)
        let kafka = servers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        // Unusable login settings are the operator's to fix, not a broker that does not answer.
        _ = try cluster.security.security(settings)
        let (brokerLines, brokerProblem) = await brokerStatus()
        let dashboardAddress = try DashboardAddress.resolve(flag: dashboard, settings: settings)
        let services = try? serviceStatus(dashboardAddress)
        if let brokerProblem, services == nil {
            throw OperatorError("the Kafka broker at \(kafka) \(brokerProblem)")
        }
        guard brokerLines != nil || services != nil else {
            throw OperatorError(
                """
                no appliance answers: neither a Kafka broker at \(kafka) nor a dashboard at \
                \(dashboardAddress.host):\(dashboardAddress.port). Start it with `aseed run` (or `systemctl start \
                aseed`), or point --config / --bootstrap-servers / --dashboard at it.
                """
            )
        }
        print("Kafka      \(kafka)  " + (brokerLines == nil ? brokerProblem ?? "not answering" : "up"))
        for line in brokerLines ?? [] { print("           " + line) }
        print(
            "Dashboard  \(dashboardAddress.host):\(dashboardAddress.port)  "
                + (services.map { "up, overall \($0.overall_status)" } ?? "not answering")
        )
        if let services {
            var table = TextTable("COMPONENT", "STATE", "UPTIME", "THROUGHPUT", "LAST ERROR")
            for (name, service) in services.services.sorted(by: { $0.key < $1.key }) {
                table.add([
                    name, service.status, service.uptime_seconds.map(Self.duration) ?? "-",
                    service.throughput.map { String(Int($0.rounded())) } ?? "-", service.last_error ?? "-",
                ])
            }
            print(table.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        let data = settings.string("data-dir", flag: dataDir, default: "data")
        print(
            """
            Disk       \(data): \(DiskUsage.describe(DiskUsage.bytes(under: data))) used, \
            \(DiskUsage.describe(DiskUsage.freeBytes(at: data))) free
            """
        )
        // Only where an embedded broker keeps its data (an external cluster's disk is its own).
        let embedded = DiskUsage.bytes(under: data + "/metadata.sqlite") > 0
        if brokerLines != nil, embedded, let notice = try diskSpace(settings, data: data).fullDiskNotice() {
            print("           FULL: " + notice)
        }
    }

    /// The guard the broker keeps on `data`, with its reserve as configured.
    private func diskSpace(_ settings: Settings, data: String) throws -> DiskSpaceGuard {
        let reserve: Int? =
            settings.raw("disk-reserve-bytes", flag: nil) == nil
            ? nil : try settings.integer("disk-reserve-bytes", flag: nil, default: 0)
        return DiskSpaceGuard(dataDirectory: data, reserveBytes: reserve, logger: Logger(label: "status"))
    }

    /// Topics, the orders topic's records and the analyzer's lag; nil when no broker answers.
    /// The broker's lines, or why it answered but could not be asked (a refused login, an
    /// untrusted certificate); both nil when no broker answers.
    private func brokerStatus() async -> (lines: [String]?, problem: String?) {
        do {
            return try await cluster.withAdmin { admin in
                let topics = try await admin.listTopics()
                var lines = ["\(topics.count) topics"]
                if let orders = topics.first(where: { $0.name == "orders" }) {
                    lines.append(
                        """
                        orders: \(orders.partitions.count) partitions, \
                        \(orders.partitions.reduce(0) { $0 + $1.records }) records
                        """
                    )
                }
                if let analyzer = try? await admin.describeGroup("aseed-analyzer"), !analyzer.offsets.isEmpty {
                    lines.append(
                        "analyzer lag (group aseed-analyzer): \(analyzer.offsets.reduce(0) { $0 + $1.lag }) records"
                    )
                }
                return (lines, nil)
            }
        } catch let error as KafkaClientError where error.code == .authenticationFailed {
            return (nil, "refused: \(error.message)")
        } catch let error as OperatorError where !error.description.hasPrefix("no Kafka broker answers") {
            return (nil, "refused: \(error.description)")
        } catch {
            return (nil, nil)
        }
    }

    private func serviceStatus(_ address: (host: String, port: Int)) throws -> ServiceStatusAnswer {
        let response = try ApplianceHTTPClient(host: address.host, port: address.port, timeoutSeconds: 3)
            .send("GET", "/api/service-status")
        guard response.status == 200 else { throw OperatorError("the dashboard answered \(response.status)") }
        return try JSONDecoder().decode(ServiceStatusAnswer.self, from: Data(response.body))
    }

    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\((total % 3600) / 60)m"
    }
}

/// The part of `/api/service-status` the command shows (the original's field names).
struct ServiceStatusAnswer: Decodable {
    struct Service: Decodable {
        var status: String
        var uptime_seconds: Double?
        var throughput: Double?
        var last_error: String?
    }

    var overall_status: String
    var services: [String: Service]
}

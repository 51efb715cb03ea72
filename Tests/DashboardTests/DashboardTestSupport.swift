import Common
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KafkaWire
import Logging
import NIOCore
import Synchronization
import Testing

@testable import Analyzer
@testable import Dashboard

/// The token the test servers use.
let testToken = "test-admin-token-0123456789"

/// An appliance whose components and answers the test sets.
final class FakeControl: ApplianceControl {
    let statuses: Mutex<[ComponentStatus]>
    let commands = Mutex<[SimulatorCommand]>([])

    init(
        states: [String: ComponentStatus.State] = [
            "broker": .running, "simulator": .running, "analyzer": .running, "dashboard": .running,
        ],
        disabled: Set<String> = []
    ) {
        statuses = Mutex(
            ["broker", "simulator", "analyzer", "dashboard"].map { name in
                ComponentStatus(
                    name: name,
                    state: disabled.contains(name) ? .stopped : states[name] ?? .running,
                    enabled: !disabled.contains(name),
                    uptimeSeconds: disabled.contains(name) ? nil : 12.5,
                    throughput: 3,
                    throughputUnit: "orders/s",
                    lastError: nil,
                    restarts: 0
                )
            }
        )
    }

    func componentStatuses() async -> [ComponentStatus] { statuses.withLock { $0 } }

    func resourceUsage() async -> ResourceUsage {
        ResourceUsage(cpuPercent: 12.5, residentBytes: 50_000_000, dataBytes: 1_000_000, diskFreeBytes: 9_000_000_000)
    }

    func restart(component: String) async throws {
        guard ["broker", "simulator", "analyzer", "dashboard"].contains(component) else {
            throw DashboardRequestError(.notFound, "no component '\(component)'")
        }
    }

    func simulator(_ command: SimulatorCommand) async throws -> ComponentStatus {
        if case .scenario(let text) = command, !text.hasPrefix("flash-sale") {
            throw DashboardRequestError(.invalid, "unknown scenario '\(text)'")
        }
        commands.withLock { $0.append(command) }
        return statuses.withLock { $0[1] }
    }

    /// The resets asked for, in order.
    let resets = Mutex<[ClassResetPlan]>([])
    /// The snapshots saved, by name.
    let saved = Mutex<[String: ApplianceSnapshotSummary]>([:])

    func applianceTopics() async -> [String] { ["orders", "orders.dlq"] }

    func resetClass<Cleared: Sendable>(
        _ plan: ClassResetPlan,
        clearing: @Sendable () async throws -> Cleared
    ) async throws -> (Cleared, ClassRestart) {
        resets.withLock { $0.append(plan) }
        return (try await clearing(), ClassRestart(seed: plan.seed ?? 7, analyzerReset: plan.orders == .truncate))
    }

    func snapshots() async throws -> [ApplianceSnapshotSummary] {
        saved.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    func saveSnapshot(named name: String) async throws -> ApplianceSnapshotSummary {
        let summary = ApplianceSnapshotSummary(
            name: name,
            savedAtMillis: 1_700_000_000_000,
            bytes: 4096,
            topics: [.init(name: "orders", endOffsets: [10, 20])],
            simulatorSeed: 7,
            simulatorNextSequence: 31,
            hasAnalyzerCheckpoint: true
        )
        return try saved.withLock { saved in
            guard saved[name] == nil else { throw DashboardRequestError(.conflict, "a snapshot '\(name)' exists") }
            saved[name] = summary
            return summary
        }
    }

    func restoreSnapshot(named name: String) async throws -> ApplianceSnapshotSummary {
        guard let summary = saved.withLock({ $0[name] }) else {
            throw DashboardRequestError(.notFound, "no snapshot '\(name)'")
        }
        return summary
    }

    func deleteSnapshot(named name: String) async throws {
        guard saved.withLock({ $0.removeValue(forKey: name) }) != nil else {
            throw DashboardRequestError(.notFound, "no snapshot '\(name)'")
        }
    }
}

/// A broker console with one topic and one group. Its actions act on `orders` alone (another
/// topic is unknown, `orders` cannot be created again) and are recorded in `actions`.
final class FakeConsole: BrokerConsoleSource {
    /// What the actions were asked to do, in order.
    let actions = Mutex<[String]>([])
    /// How long `topics()` takes, for tests of what happens meanwhile.
    let topicsDelay: Duration?

    /// A class's topics (one empty partition each) and groups besides the appliance's: the
    /// actions delete them, except a group with members or one named `*-joined` (a member came
    /// between the listing and the deletion).
    let classTopics: [String]
    let classGroups: [ConsoleGroup]

    init(
        topicsDelay: Duration? = nil,
        classTopics: [String] = [],
        classGroups: [ConsoleGroup] = [],
        wire: (any BrokerWireView)? = FakeWire()
    ) {
        self.topicsDelay = topicsDelay
        self.wire = wire
        self.classTopics = classTopics
        self.classGroups = classGroups
    }

    func topics() async throws -> [ConsoleTopic] {
        if let topicsDelay { try await Task.sleep(for: topicsDelay) }
        let extra = classTopics.map {
            ConsoleTopic(
                name: $0,
                partitions: [ConsolePartition(partition: 0, leader: 1, earliestOffset: 0, latestOffset: 0)]
            )
        }
        return [
            ConsoleTopic(
                name: "orders",
                partitions: (0..<3).map {
                    ConsolePartition(
                        partition: $0,
                        leader: 1,
                        earliestOffset: 0,
                        latestOffset: 100 + Int64($0),
                        sizeBytes: 4096
                    )
                }
            )
        ] + extra
    }

    /// `orders`, and `compacted`: a compacted topic whose partition 0 the cleaner cleaned twice,
    /// the last time with an error since, and partition 1 not yet.
    func topic(named name: String) async throws -> ConsoleTopic? {
        switch name {
        case "orders":
            var topic = try await topics()[0]
            topic.configs = ["compression.type": "lz4", "cleanup.policy": "delete"]
            return topic
        case "compacted":
            var topic = ConsoleTopic(
                name: name,
                partitions: (0..<2).map {
                    ConsolePartition(partition: $0, leader: 1, earliestOffset: 0, latestOffset: 500, sizeBytes: 2048)
                },
                configs: ["cleanup.policy": "compact,delete", "min.cleanable.dirty.ratio": "0.1"]
            )
            topic.attach(Self.cleanerFigures)
            return topic
        default:
            return nil
        }
    }

    static let cleanerFigures: [Int32: ConsoleCleanerFigures] = [
        0: ConsoleCleanerFigures(
            dirtyRatio: 0.1234,
            firstDirtyOffset: 480,
            lastCleaning: .init(
                finishedAtMillis: 1_764_000_000_123,
                durationMilliseconds: 42,
                bytesReclaimed: 9000,
                recordsKept: 40,
                recordsRemoved: 440
            ),
            cleanings: 2,
            totalBytesReclaimed: 15000,
            lastError: "No space left on device",
            lastErrorAtMillis: 1_764_000_060_000
        ),
        1: ConsoleCleanerFigures(dirtyRatio: 0.5, firstDirtyOffset: 0),
    ]

    func groups() async throws -> [ConsoleGroup] {
        [ConsoleGroup(groupID: "aseed-analyzer", state: "Stable", protocolType: "consumer", members: 1)] + classGroups
    }

    func group(id: String) async throws -> GroupDescription? {
        guard id == "aseed-analyzer" else { return nil }
        let orders0 = KafkaTopicPartition(topic: "orders", partition: 0)
        return GroupDescription(
            groupID: id,
            state: "Stable",
            protocolType: "consumer",
            protocolName: "range",
            members: [.init(memberID: "m-1", clientID: "aseed", host: "/127.0.0.1", assignment: [orders0])],
            offsets: [.init(partition: orders0, committed: 90, latest: 100)]
        )
    }

    /// The broker's view of its clients: `FakeWire` unless a test gives another.
    let wire: (any BrokerWireView)?

    /// Listed out of order on purpose: a committed one, an ongoing one started an hour ago
    /// whose id is markup, and one started a minute ago.
    func transactions() async throws -> [ConsoleTransaction] {
        let now = WallClock.nowMilliseconds()
        return [
            ConsoleTransaction(
                transactionalID: "done",
                state: "CompleteCommit",
                producerID: 7,
                producerEpoch: 3,
                timeoutMs: 60_000,
                startTimeMs: now - 5000,
                partitions: []
            ),
            ConsoleTransaction(
                transactionalID: "recent",
                state: "Ongoing",
                producerID: 9,
                producerEpoch: 0,
                timeoutMs: 60_000,
                startTimeMs: now - 60_000,
                partitions: [KafkaTopicPartition(topic: "orders", partition: 1)]
            ),
            ConsoleTransaction(
                transactionalID: Self.markupID,
                state: "Ongoing",
                producerID: 8,
                producerEpoch: 2,
                timeoutMs: 900_000,
                startTimeMs: now - 3_600_000,
                partitions: [
                    KafkaTopicPartition(topic: "orders", partition: 0),
                    KafkaTopicPartition(topic: "orders", partition: 2),
                ]
            ),
        ]
    }

    func createTopic(_ name: String, partitions: Int32, configs: [String: String]) async throws {
        if name == "orders" { throw KafkaClientError.broker(.topicAlreadyExists, "creating topic orders") }
        let settings = configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        record("create \(name) \(partitions) \(settings.joined(separator: ","))")
    }

    func deleteTopic(_ name: String) async throws {
        if !classTopics.contains(name) { try expectOrders(name) }
        record("delete \(name)")
    }

    func addPartitions(_ topic: String, totalCount: Int32) async throws {
        try expectOrders(topic)
        guard totalCount > 3 else {
            throw KafkaClientError.broker(.invalidPartitions, "adding partitions to topic orders: it has 3")
        }
        record("partitions \(topic) \(totalCount)")
    }

    func alterTopicConfigs(_ topic: String, _ changes: [KafkaAdmin.ConfigChange]) async throws {
        try expectOrders(topic)
        let described = changes.map { change in
            switch change {
            case .set(let key, let value): "\(key)=\(value)"
            case .delete(let key): "-\(key)"
            }
        }
        record("configs \(topic) \(described.joined(separator: ","))")
    }

    func deleteRecords(_ topic: String, partition: Int32?, before offset: Int64) async throws -> [Int32: Int64] {
        try expectOrders(topic)
        record("delete-records \(topic) \(partition.map(String.init) ?? "all") \(offset)")
        let partitions: [Int32] = partition.map { [$0] } ?? [0, 1, 2]
        return Dictionary(uniqueKeysWithValues: partitions.map { ($0, offset == -1 ? 100 : offset) })
    }

    func writeRecord(_ draft: ConsoleRecordDraft, to topic: String) async throws -> KafkaAdmin.WrittenRecord {
        try expectOrders(topic)
        let headers = draft.headers.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        record("record \(topic) \(draft.partition ?? -1) \(draft.key ?? "nil") \(draft.value ?? "nil") \(headers)")
        return KafkaAdmin.WrittenRecord(partition: draft.partition ?? 1, offset: 101)
    }

    /// `aseed-analyzer` has a member; `idle` has none and committed 90 on orders-0 (end 100).
    func planOffsetReset(
        group: String,
        topic: String?,
        to target: KafkaAdmin.OffsetResetTarget
    ) async throws -> KafkaAdmin.OffsetResetPlan {
        switch group {
        case "idle": break
        case "aseed-analyzer":
            throw KafkaClientError.broker(.nonEmptyGroup, "resetting the offsets of group \(group): it has 1 member")
        default:
            throw KafkaClientError.broker(.groupIdNotFound, "resetting the offsets of group \(group)")
        }
        let wanted: Int64 =
            switch target {
            case .earliest: 0
            case .latest, .time: 100
            case .offset(let offset): offset
            case .shift(let count): 90 + count
            }
        let move = KafkaAdmin.OffsetResetPlan.Move(
            partition: KafkaTopicPartition(topic: topic ?? "orders", partition: 0),
            current: 90,
            target: min(max(wanted, 0), 100),
            latest: 100
        )
        return KafkaAdmin.OffsetResetPlan(groupID: group, target: target, moves: [move])
    }

    func resetOffsets(
        group: String,
        topic: String?,
        to target: KafkaAdmin.OffsetResetTarget
    ) async throws -> KafkaAdmin.OffsetResetPlan {
        let plan = try await planOffsetReset(group: group, topic: topic, to: target)
        record("reset \(group) \(target)")
        return plan
    }

    func deleteGroup(_ id: String) async throws {
        let deletable = classGroups.contains { $0.groupID == id && $0.members == 0 && !id.hasSuffix("-joined") }
        guard id == "idle" || deletable else { throw KafkaClientError.broker(.nonEmptyGroup, "deleting group \(id)") }
        record("delete-group \(id)")
    }

    private func expectOrders(_ topic: String) throws {
        guard topic == "orders" else {
            throw KafkaClientError.broker(.unknownTopicOrPartition, "changing topic \(topic)")
        }
    }

    private func record(_ action: String) {
        actions.withLock { $0.append(action) }
    }

    /// A transactional id a page must show as text, never run.
    static let markupID = #"<img src=x onerror="alert('txn')">&amp;"#

    /// Every partition's next record was written 5 s ago.
    func firstRecordTimes(at offsets: [KafkaTopicPartition: Int64]) async throws -> [KafkaTopicPartition: Int64] {
        let now = WallClock.nowMilliseconds()
        return offsets.mapValues { _ in now - 5_000 }
    }

    /// The last query asked, for the routes' tests.
    let lastQuery = Mutex<MessageQuery?>(nil)

    func messages(_ query: MessageQuery) async throws -> [ConsoleMessage] {
        lastQuery.withLock { $0 = query }
        guard query.topic == "orders" else { throw DashboardRequestError(.notFound, "no topic '\(query.topic)'") }
        return (0..<query.limit).map {
            ConsoleMessage(
                partition: 0,
                offset: 99 - Int64($0),
                timestampMillis: 1_700_000_000_000,
                key: "ORDER-\($0)",
                value: #"{"order_id":"ORDER-\#($0)"}"#,
                headers: [("h", "v")]
            )
        }
    }
}

enum TestSnapshots {
    static let minute: Int64 = 60_000_000
    static let start: Int64 = 1_764_000_000_000_000 - 1_764_000_000_000_000 % 60_000_000

    static func product(_ id: Int, orders: Int64) -> AnalyticsSnapshot.ProductRow {
        .init(
            productID: String(format: "PROD-%03d", id),
            productName: "Product <\(id)>",
            category: "Electronics",
            orderCount: orders,
            totalQuantity: orders * 2,
            totalRevenueCents: orders * 1999,
            averagePriceCents: 1999,
            lastOrderMicros: start + 30_000_000
        )
    }

    static func top(_ product: AnalyticsSnapshot.ProductRow) -> AnalyticsSnapshot.TopRow {
        .init(
            productID: product.productID,
            productName: product.productName,
            category: product.category,
            orderCount: product.orderCount,
            totalQuantity: product.totalQuantity,
            totalRevenueCents: product.totalRevenueCents
        )
    }

    static func window(_ index: Int64, orders: Int64, closed: Bool) -> AnalyticsSnapshot.Window {
        .init(
            startMicros: start + index * minute,
            endMicros: start + (index + 1) * minute,
            isClosed: closed,
            orders: orders,
            units: orders,
            revenueCents: orders * 100,
            averageOrderValueCents: 100,
            uniqueCustomers: orders,
            categories: [
                .init(
                    category: "Electronics",
                    orders: orders,
                    units: orders,
                    revenueCents: orders * 100,
                    averageOrderValueCents: 100
                )
            ]
        )
    }

    /// Three products (PROD-002 has the most orders), two closed windows and an open one.
    static func make(sequence: Int64 = 1, alerts: [Alert] = []) -> AnalyticsSnapshot {
        let products = [product(1, orders: 5), product(2, orders: 9), product(3, orders: 1)]
        let ranked = products.sorted { $0.orderCount > $1.orderCount }.map(top)
        let spans = AnalyticsSnapshot.TopSpan.allCases.map {
            AnalyticsSnapshot.TopProducts(span: $0, byOrders: ranked, byUnits: ranked, byRevenue: ranked)
        }
        return AnalyticsSnapshot(
            sequence: sequence,
            generatedAtMicros: start + 3 * minute,
            totals: .init(orders: 15, units: 30, revenueCents: 29985, averageOrderValueCents: 1999, uniqueCustomers: 7),
            products: products,
            categories: [
                .init(
                    category: "Electronics",
                    orderCount: 15,
                    totalQuantity: 30,
                    totalRevenueCents: 29985,
                    averagePriceCents: 1999,
                    lastOrderMicros: start,
                    uniqueProducts: 3
                )
            ],
            topProducts: spans,
            windowMicros: minute,
            windows: [
                window(0, orders: 4, closed: true), window(1, orders: 7, closed: true),
                window(2, orders: 4, closed: false),
            ],
            recentOrders: [
                .init(
                    orderID: "ORDER-000015",
                    productID: "PROD-002",
                    productName: "Product <2>",
                    category: "Electronics",
                    priceCents: 1999,
                    quantity: 2,
                    customerID: "CUST-0001",
                    eventTimeMicros: start + 150_000_000,
                    totalValueCents: 3998
                )
            ],
            alerts: alerts,
            pipeline: .init(
                recordsIn: 16,
                ordersCounted: 15,
                duplicates: 1,
                lateRecords: 0,
                malformed: MalformedReason.allCases.map { ($0, 0) },
                watermarkMicros: start,
                maxEventMicros: start + 150_000_000,
                partitions: [.init(partition: 0, nextOffset: 16, highWatermark: 20)],
                recordsPerSecond: 2.5,
                latencyP50Milliseconds: 10,
                latencyP99Milliseconds: 20
            )
        )
    }
}

/// A server over a publisher, a fake appliance and optionally a fake console.
struct TestDashboard {
    let snapshots = SnapshotPublisher()
    let control: FakeControl
    let server: DashboardServer

    init(
        control: FakeControl = FakeControl(),
        console: (any BrokerConsoleSource)? = FakeConsole(),
        bodyLimit: Int = 1 << 20,
        assets: [String: StaticAsset] = [
            "index.html": StaticAsset(
                contentType: "text/html; charset=utf-8",
                text: "<!doctype html><title>ASEED</title>"
            ),
            "app.js": StaticAsset(contentType: "text/javascript; charset=utf-8", text: "console.log(1)"),
        ],
        maxClients: Int = 1000,
        allowedOrigins: [String] = [],
        lagHistory: LagHistoryStore? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.control = control
        server = DashboardServer(
            configuration: DashboardConfiguration(
                host: "127.0.0.1",
                port: 0,
                adminToken: testToken,
                bodyLimit: bodyLimit,
                allowedOrigins: allowedOrigins,
                chartJSPath: "/nonexistent/chart.min.js",
                assets: assets,
                maxWebSocketClients: maxClients
            ),
            snapshots: snapshots,
            control: control,
            console: console,
            lagHistory: lagHistory,
            logger: Logger(label: "test"),
            onServerRunning: onServerRunning
        )
    }

    /// Runs `body` against the router (no sockets).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await server.makeApplication().test(.router) { client in try await body(client) }
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            return try #require(object as? [String: Any], "not a JSON object: \(String(buffer: body))")
        }
    }

    var text: String { String(buffer: body) }
}

/// The bearer header for the test token.
let authorized: HTTPFields = [.authorization: "Bearer \(testToken)", .contentType: "application/json"]

func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

import Common
import Foundation
import KafkaWire
import Logging
import Testing

@testable import Dashboard

@Suite("Consumer group lag history")
struct LagHistoryTests {
    static func temporaryStore(retentionMillis: Int64 = 24 * 3_600_000) throws -> (LagHistoryStore, String) {
        let path = NSTemporaryDirectory() + "lag-\(UUID().uuidString).sqlite"
        return (try LagHistoryStore(path: path, retentionMillis: retentionMillis), path)
    }

    static func sample(
        _ at: Int64,
        _ partition: Int32,
        committed: Int64,
        latest: Int64,
        behind: Int64? = 0
    ) -> LagSample {
        LagSample(
            atMillis: at,
            group: "g",
            topic: "orders",
            partition: partition,
            committed: committed,
            latest: latest,
            millisBehind: behind
        )
    }

    @Test func samplesAreKeptForTheRetentionAndAcrossAReopen() throws {
        let (store, path) = try Self.temporaryStore(retentionMillis: 60_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try store.append([Self.sample(1_000, 0, committed: 1, latest: 5)], nowMillis: 1_000)
        try store.append([Self.sample(30_000, 0, committed: 2, latest: 5, behind: nil)], nowMillis: 30_000)
        #expect(try store.samples(group: "g", sinceMillis: 0).map(\.atMillis) == [1_000, 30_000])
        #expect(try store.samples(group: "g", sinceMillis: 0).last?.millisBehind == nil)
        #expect(try store.samples(group: "other", sinceMillis: 0).isEmpty)
        // 61 s later the first is past the retention.
        try store.append([Self.sample(62_000, 0, committed: 3, latest: 5)], nowMillis: 62_000)
        let reopened = try LagHistoryStore(path: path, retentionMillis: 60_000)
        #expect(try reopened.samples(group: "g", sinceMillis: 0).map(\.atMillis) == [30_000, 62_000])
        #expect(try reopened.samples(group: "g", sinceMillis: 40_000).map(\.committed) == [3])
    }

    @Test func pointsSumPartitionsAndRateTheConsumption() {
        let points = LagPoint.points(of: [
            Self.sample(10_000, 1, committed: 50, latest: 70, behind: 4_000),
            Self.sample(0, 0, committed: 100, latest: 110, behind: 2_000),
            Self.sample(0, 1, committed: 40, latest: 60, behind: 9_000),
            Self.sample(10_000, 0, committed: 130, latest: 130),
            // A partition first seen in the second sample does not count as consumed.
            Self.sample(10_000, 2, committed: 500, latest: 500),
        ])
        #expect(points.map(\.atMillis) == [0, 10_000])
        #expect(points.map(\.lag) == [30, 20])
        #expect(points.map(\.millisBehind) == [9_000, 4_000])
        #expect(points[0].consumedPerSecond == nil)
        #expect(points[1].consumedPerSecond == 4.0)
        #expect(points[1].partitions.map(\.partition) == [0, 1, 2])
    }

    @Test func aDayIsThinnedKeepingTheNewest() {
        let points = (0..<2_000).map { LagPoint(atMillis: Int64($0), lag: 0, partitions: []) }
        let thinned = DashboardAPI.thinned(points)
        #expect(thinned.count <= DashboardAPI.lagHistoryPoints)
        #expect(thinned.last?.atMillis == 1_999)
        #expect(DashboardAPI.thinned(Array(points.prefix(10))).count == 10)
    }

    @Test func theSamplerTakesEveryGroupAndHowOldItsNextRecordIs() async throws {
        let (store, path) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sampler = LagSampler(
            console: FakeConsole(),
            store: store,
            interval: .seconds(10),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        await sampler.sampleOnce()
        let samples = try store.samples(group: "aseed-analyzer", sinceMillis: 0)
        #expect(samples.count == 1)
        #expect(samples.first?.lag == 10)
        // The fake's record is 5 s older than its own clock, read after the sampler's: a little
        // under 5 s behind the sample's time, never over.
        let behind = try #require(samples.first?.millisBehind)
        #expect((3_000...5_000).contains(behind))
        let families = await sampler.metricFamilies()
        #expect(families.map(\.name) == ["aseed_consumer_group_lag", "aseed_consumer_group_lag_seconds"])
        #expect(families[0].samples.first?.value == 10)
        #expect(families[0].samples.first?.labels.map(\.value) == ["aseed-analyzer", "orders", "0"])
    }

    @Test func theRouteAnswersPointsWithTheirPartitions() async throws {
        let (store, path) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let now = WallClock.nowMilliseconds()
        try store.append(
            [Self.sample(now - 20_000, 0, committed: 10, latest: 30, behind: 3_000)],
            nowMillis: now
        )
        try store.append([Self.sample(now - 10_000, 0, committed: 30, latest: 30)], nowMillis: now)
        try store.append([Self.sample(now - 7_200_000, 0, committed: 0, latest: 30)], nowMillis: now)
        try await TestDashboard(lagHistory: store).test { client in
            let response = try await client.execute(uri: "/api/broker/groups/g/lag-history?minutes=5", method: .get)
            #expect(response.status == .ok)
            let points = try #require(try response.json["points"] as? [[String: Any]])
            #expect(points.map { $0["lag"] as? Int } == [20, 0])
            #expect(points[0]["seconds_behind"] as? Double == 3)
            #expect(points[1]["consumed_per_second"] as? Double == 2)
            #expect((points[1]["partitions"] as? [[String: Any]])?.first?["committed"] as? Int == 30)
            let wide = try await client.execute(uri: "/api/broker/groups/g/lag-history?minutes=1440", method: .get)
            #expect((try wide.json["points"] as? [Any])?.count == 3)
            let bad = try await client.execute(uri: "/api/broker/groups/g/lag-history?minutes=0", method: .get)
            #expect(bad.status == .badRequest)
        }
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/groups/g/lag-history", method: .get)
            #expect(response.status == .serviceUnavailable)
        }
    }
}

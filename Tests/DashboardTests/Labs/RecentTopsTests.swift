import Testing

@testable import Analyzer
@testable import Dashboard

@Suite("Answers checked against the analyzer's rankings")
struct RecentTopsTests {
    static let lab = try! Lab(
        toml: """
            id = "a"
            title = "A"

            [[step]]
            id = "top"
            title = "Top"
            goal = "top-product"
            span = "5m"
            by = "orders"
            """
    )

    static func snapshot(_ rows: [(String, Int64)]) -> AnalyticsSnapshot {
        var snapshot = TestSnapshots.make()
        let top = rows.map { id, orders in
            AnalyticsSnapshot.TopRow(
                productID: id,
                productName: "Name of \(id)",
                category: "Books",
                orderCount: orders,
                totalQuantity: orders,
                totalRevenueCents: orders * 100
            )
        }
        snapshot.topProducts = [
            AnalyticsSnapshot.TopProducts(span: .last5Minutes, byOrders: top, byUnits: top, byRevenue: top)
        ]
        return snapshot
    }

    @Test func theFirstProductOfTheLastMinuteCountsWithTies() {
        var tops = RecentTops()
        let none = tops.verdict(on: "P1", span: .last5Minutes, metric: .orders, at: 0)
        #expect(!none.correct && none.message.contains("no ranking over the last 5 minutes by orders yet"))
        tops.note(Self.snapshot([("P1", 9), ("P2", 9), ("P3", 4)]), for: Self.lab, at: 1_000)
        tops.note(Self.snapshot([("P3", 12), ("P1", 9)]), for: Self.lab, at: 20_000)
        #expect(tops.verdict(on: " p2 ", span: .last5Minutes, metric: .orders, at: 30_000).correct)
        #expect(tops.verdict(on: "Name of P3", span: .last5Minutes, metric: .orders, at: 30_000).correct)
        let wrong = tops.verdict(on: "P9", span: .last5Minutes, metric: .orders, at: 30_000)
        #expect(!wrong.correct && wrong.message.contains("'P9' is not the product the analyzer ranks first"))
        #expect(!tops.verdict(on: "P1", span: .all, metric: .orders, at: 30_000).correct)
        // A minute later only the newest leader counts.
        tops.note(Self.snapshot([("P3", 13)]), for: Self.lab, at: 70_000)
        #expect(!tops.verdict(on: "P2", span: .last5Minutes, metric: .orders, at: 70_000).correct)
        #expect(tops.verdict(on: "P3", span: .last5Minutes, metric: .orders, at: 70_000).correct)
        #expect(!tops.verdict(on: "  ", span: .last5Minutes, metric: .orders, at: 70_000).correct)
    }
}

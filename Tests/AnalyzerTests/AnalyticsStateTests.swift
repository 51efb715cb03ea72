import Testing

@testable import Analyzer

@Suite("Aggregates")
struct AnalyticsStateTests {
    @Test("totals, products and categories are exact sums")
    func allTimeFigures() {
        var driver = StateDriver()
        driver.order("A", product: "PROD-001", price: "79.99", quantity: 2, customer: "C1", at: "12:00:00")
        driver.order("B", product: "PROD-002", price: "0.01", quantity: 3, customer: "C2", at: "12:00:01")
        driver.order("C", product: "PROD-001", price: "80.00", quantity: 1, customer: "C1", at: "12:00:02")
        driver.order(
            "D",
            product: "PROD-011",
            category: "Clothing",
            price: "19.99",
            quantity: 0,
            customer: "C3",
            at: "12:00:03"
        )
        let snapshot = driver.snapshot
        #expect(
            snapshot.totals
                == .init(
                    orders: 4,
                    units: 6,
                    revenueCents: 15998 + 3 + 8000,
                    averageOrderValueCents: 6000,
                    uniqueCustomers: 3
                )
        )
        let first = snapshot.products.first { $0.productID == "PROD-001" }!
        #expect(first.orderCount == 2 && first.totalQuantity == 3 && first.totalRevenueCents == 23998)
        // Mean of the order prices (79.99 + 80.00) / 2 = 79.995, half away from zero.
        #expect(first.averagePriceCents == 8000)
        #expect(first.lastOrderMicros == micros("12:00:02"))
        let electronics = snapshot.categories.first { $0.category == "Electronics" }!
        #expect(electronics.uniqueProducts == 2 && electronics.orderCount == 3)
        #expect(snapshot.categories.map(\.category) == ["Electronics", "Clothing"])
        #expect(snapshot.pipeline.recordsIn == 4 && snapshot.pipeline.ordersCounted == 4)
    }

    @Test("the average order value is rounded once, from the exact quotient")
    func averageRounding() {
        var driver = StateDriver()
        // 0.01 + 0.01 + 0.02 = 0.04 over 3 orders = 0.01333...
        driver.order("A", price: "0.01", at: "12:00:00")
        driver.order("B", price: "0.01", at: "12:00:00")
        driver.order("C", price: "0.02", at: "12:00:00")
        #expect(driver.snapshot.totals.averageOrderValueCents == 1)
        driver.order("D", price: "0.015", at: "12:00:00")
        // 0.055 / 4 = 0.01375 -> 0.01
        #expect(driver.snapshot.totals.averageOrderValueCents == 1)
        #expect(Money.cents(15_000) == 2)  // 0.015 -> 0.02, half away from zero
        #expect(Money.cents(-15_000) == -2)
    }

    @Test("a duplicate order id is dropped and counted apart")
    func duplicates() {
        var driver = StateDriver()
        #expect(driver.order("A", quantity: 2, at: "12:00:00") == .counted)
        #expect(driver.order("A", quantity: 2, at: "12:00:00") == .duplicate)
        #expect(driver.order("A", quantity: 5, at: "12:00:09", partition: 2) == .duplicate)
        let snapshot = driver.snapshot
        #expect(snapshot.totals.orders == 1 && snapshot.totals.units == 2)
        #expect(snapshot.pipeline.duplicates == 2 && snapshot.pipeline.recordsIn == 3)
    }

    @Test("malformed records are counted by reason and nowhere else")
    func malformed() {
        var driver = StateDriver()
        driver.record("{\"order_id\":")
        driver.record("[1,2]")
        driver.order("A", quantity: -1, at: "12:00:00")
        let snapshot = driver.snapshot
        #expect(snapshot.totals.orders == 0)
        #expect(snapshot.pipeline.malformedTotal == 3 && snapshot.pipeline.recordsIn == 3)
        let counts = Dictionary(uniqueKeysWithValues: snapshot.pipeline.malformed.map { ($0.reason, $0.count) })
        #expect(counts[.invalidJSON] == 1 && counts[.notAnObject] == 1 && counts[.negativeQuantity] == 1)
        #expect(snapshot.pipeline.malformed.count == MalformedReason.allCases.count)
    }

    @Test("lateness is judged against the order's own partition")
    func perPartitionLateness() {
        var driver = StateDriver()
        #expect(driver.order("A", at: "12:00:40", partition: 0) == .counted)
        // 35 s behind partition 0's newest: late; 25 s behind: on time.
        #expect(driver.order("B", at: "12:00:05", partition: 0) == .late)
        #expect(driver.order("C", at: "12:00:15", partition: 0) == .counted)
        // Partition 1 has seen nothing newer: on time there.
        #expect(driver.order("D", at: "12:00:05", partition: 1) == .counted)
        let snapshot = driver.snapshot
        #expect(snapshot.totals.orders == 4)
        #expect(snapshot.pipeline.lateRecords == 1)
        #expect(snapshot.windows.map(\.orders) == [3])
    }

    @Test("the late orders with the newest timestamps are listed, whatever the arrival order")
    func lateOrdersListed() throws {
        var driver = StateDriver()
        #expect(driver.order("A", at: "12:10:00", partition: 0) == .counted)
        #expect(driver.order("A", at: "12:10:00", partition: 1) == .duplicate)
        for index in 0..<25 {
            let second = (index % 6) * 10
            let time = "12:0\(index / 6):" + (second < 10 ? "0\(second)" : "\(second)")
            #expect(driver.order("late-\(index)", at: time, partition: 0) == .late)
        }
        let listed = driver.snapshot.pipeline.recentLate
        #expect(listed.count == AnalyticsState.lateKept)
        #expect(listed.first?.orderID == "late-24" && listed.last?.orderID == "late-5")
        #expect(listed.map(\.eventTimeMicros) == listed.map(\.eventTimeMicros).sorted(by: >))
        // An older late order than all listed is only counted.
        #expect(driver.order("older", at: "11:00:00", partition: 0) == .late)
        #expect(driver.snapshot.pipeline.recentLate == listed)
        #expect(driver.snapshot.pipeline.lateRecords == 26)

        var restored = AnalyticsState(rules: AggregationRules())
        try restored.decodeBody(driver.state.encodeBody())
        #expect(restored.recentLate == listed)
        // A checkpoint written before late orders were kept ends at the dedup generation.
        var before = AnalyticsState(rules: AggregationRules())
        var old = driver.state
        old.recentLate = []
        try before.decodeBody(Array(old.encodeBody().dropLast(8)))
        #expect(before.recentLate.isEmpty && before.lateRecords == 26)
    }

    @Test("windows are aligned, close when the slowest partition's watermark passes their end")
    func tumblingWindows() {
        var driver = StateDriver()
        driver.order("A", customer: "C1", at: "12:00:59", partition: 0)
        driver.order("B", customer: "C1", at: "12:01:00", partition: 0)
        driver.order("C", customer: "C2", at: "12:01:40", partition: 0)
        driver.order("D", customer: "C3", at: "12:00:10", partition: 1)
        driver.advance()
        // Partition 1 holds the watermark at 12:00:10 - 30 s: nothing closes.
        #expect(driver.snapshot.windows.map(\.isClosed) == [false, false])
        #expect(driver.snapshot.pipeline.watermarkMicros == micros("11:59:40"))
        driver.order("E", customer: "C3", at: "12:01:35", partition: 1)
        driver.advance()
        let windows = driver.snapshot.windows
        #expect(windows.map(\.startMicros) == [micros("12:00:00"), micros("12:01:00")])
        #expect(windows.map(\.isClosed) == [true, false])
        #expect(windows.map(\.orders) == [2, 3])
        #expect(windows.map(\.uniqueCustomers) == [2, 3])
    }

    @Test("an idle partition stops holding the watermark; its old orders then count as late")
    func idlePartition() {
        var driver = StateDriver()
        driver.order("A", at: "12:00:10", partition: 1)
        driver.order("B", at: "12:05:00", partition: 0)
        driver.advance(idle: [1])
        #expect(driver.snapshot.pipeline.watermarkMicros == micros("12:04:30"))
        #expect(driver.snapshot.windows.first!.isClosed)
        // On time for partition 1, but its window is closed.
        #expect(driver.order("C", at: "12:00:20", partition: 1) == .late)
        #expect(driver.snapshot.totals.orders == 3)
    }

    @Test("sliding top-N uses the minute buckets up to the newest event time")
    func slidingTop() {
        var driver = StateDriver()
        driver.order("A", product: "PROD-001", at: "12:00:00")
        driver.order("B", product: "PROD-001", at: "12:00:30")
        driver.order("C", product: "PROD-002", at: "12:03:00")
        driver.order("D", product: "PROD-003", price: "5.00", at: "12:04:59")
        driver.order("E", product: "PROD-003", price: "5.00", at: "12:05:00")
        let top = driver.snapshot.topProducts
        let five = top.first { $0.span == .last5Minutes }!
        // 12:01 ... 12:05: PROD-001's minute has left the window.
        #expect(five.byOrders.map(\.productID) == ["PROD-003", "PROD-002"])
        let fifteen = top.first { $0.span == .last15Minutes }!
        #expect(fifteen.byOrders.map(\.productID) == ["PROD-001", "PROD-003", "PROD-002"])
        // Equal order counts: more revenue first.
        #expect(fifteen.byOrders.map(\.orderCount) == [2, 2, 1])
        // PROD-002 and PROD-003 both made 10.00: more orders first.
        #expect(fifteen.byRevenue.map(\.productID) == ["PROD-001", "PROD-003", "PROD-002"])
    }

    @Test("ranking ties fall back to revenue, then order count, then product id")
    func rankingTies() {
        var driver = StateDriver()
        driver.order("A", product: "PROD-002", price: "10.00", quantity: 1, at: "12:00:00")
        driver.order("B", product: "PROD-001", price: "10.00", quantity: 1, at: "12:00:00")
        driver.order("C", product: "PROD-003", price: "5.00", quantity: 2, at: "12:00:00")
        let all = driver.snapshot.topProducts.first { $0.span == .all }!
        #expect(all.byOrders.map(\.productID) == ["PROD-001", "PROD-002", "PROD-003"])
        #expect(all.byUnits.map(\.productID) == ["PROD-003", "PROD-001", "PROD-002"])
        #expect(all.byRevenue.map(\.productID) == ["PROD-001", "PROD-002", "PROD-003"])
    }

    @Test("recent orders are the newest by event time, ties by order id, newest first")
    func recentOrders() {
        var driver = StateDriver(rules: AggregationRules(recentOrders: 3))
        driver.order("A", at: "12:00:03")
        driver.order("B", at: "12:00:01")
        driver.order("C", at: "12:00:05")
        driver.order("E", at: "12:00:03")
        driver.order("D", at: "12:00:03")
        #expect(driver.snapshot.recentOrders.map(\.orderID) == ["C", "E", "D"])
        #expect(driver.snapshot.recentOrders[0].eventTimeMicros == micros("12:00:05"))
    }

    @Test("the product name follows its latest order")
    func renamedProduct() {
        var driver = StateDriver()
        driver.order("A", name: "Old", at: "12:00:05")
        driver.order("B", name: "New", at: "12:00:06")
        driver.order("C", name: "Older", at: "12:00:01")
        #expect(driver.snapshot.products[0].productName == "New")
    }

    @Test("the dedup generations rotate with the horizon and forget the oldest")
    func dedupRotation() {
        var driver = StateDriver(rules: AggregationRules(dedupHorizonMicros: 60_000_000))
        driver.order("A", at: "12:00:00")
        driver.advance()
        driver.order("B", at: "12:01:00")
        driver.advance()  // generation 1 starts: A and B move to the previous one
        #expect(driver.order("A", at: "12:01:01") == .duplicate)
        driver.order("C", at: "12:02:00")
        driver.advance()  // generation 2: A and B are forgotten
        #expect(driver.order("A", at: "12:02:01") == .counted)
        #expect(driver.order("C", at: "12:02:01") == .duplicate)
    }
}

@Suite("Watermark at the start")
struct StartWatermarkTests {
    @Test("a partition without orders holds every window open until it is idle")
    func partitionWithoutOrdersHolds() {
        var driver = StateDriver()
        driver.state.partitions[1] = PartitionProgress(nextOffset: 0)
        driver.order("A", at: "12:00:10", partition: 0)
        driver.order("B", at: "12:05:00", partition: 0)
        driver.advance()
        #expect(driver.snapshot.pipeline.watermarkMicros == nil)
        #expect(driver.order("C", at: "12:00:20", partition: 1) == .counted)
        driver.advance()
        #expect(driver.snapshot.pipeline.watermarkMicros == micros("11:59:50"))
        driver.state.partitions[2] = PartitionProgress(nextOffset: 0)
        driver.order("D", at: "12:06:00", partition: 1)
        driver.advance(idle: [2])
        #expect(driver.snapshot.pipeline.watermarkMicros == micros("12:04:30"))
    }
}

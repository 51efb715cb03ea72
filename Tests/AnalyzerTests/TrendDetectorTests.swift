import Testing

@testable import Analyzer

@Suite("Trends and alerts")
struct TrendDetectorTests {
    /// Ten quiet minutes (PROD-001 twice a minute, PROD-002 six times), then a flash sale
    /// on PROD-001 and PROD-002 gone quiet; the watermark then passes the sale's minute.
    @Test("a flash sale rises and a quiet product falls within one window")
    func risingAndFalling() {
        var driver = StateDriver()
        var id = 0
        func next() -> String {
            id += 1
            return "O\(id)"
        }
        for minute in 0..<10 {
            for second in [0, 30] {
                driver.order(next(), product: "PROD-001", at: "12:0\(minute):\(second == 0 ? "00" : "30")")
            }
            for second in 0..<6 { driver.order(next(), product: "PROD-002", at: "12:0\(minute):0\(second)") }
        }
        for second in 0..<12 { driver.order(next(), product: "PROD-001", at: "12:10:\(10 + second)") }
        driver.order(next(), product: "PROD-003", at: "12:11:45")
        driver.advance()
        let alerts = driver.snapshot.alerts
        let sale = alerts.filter { $0.windowStartMicros == micros("12:10:00") }
        #expect(sale.map(\.kind) == [.rising, .falling])
        #expect(sale.map(\.subject) == ["PROD-001", "PROD-002"])
        #expect(sale[0].value == 12 && sale[0].baselineTenThousandths == 20_000)
        #expect(sale[1].value == 0 && sale[1].baselineTenThousandths == 60_000)
        // Nothing before: steady counts raise no alert.
        #expect(alerts.allSatisfy { $0.windowStartMicros == micros("12:10:00") })
    }

    @Test("an order count far from the last windows' is an anomaly")
    func anomaly() {
        var driver = StateDriver()
        var id = 0
        // Windows of 10, 12, 10, 12, ... orders, then 60.
        for minute in 0..<12 {
            for second in 0..<(minute % 2 == 0 ? 10 : 12) {
                id += 1
                driver.order(
                    "O\(id)",
                    product: "PROD-00\(1 + second % 5)",
                    at: String(format2(12 + minute / 60, minute % 60, second))
                )
            }
        }
        for second in 0..<60 {
            id += 1
            driver.order("O\(id)", product: "PROD-00\(1 + second % 5)", at: format2(12, 12, second))
        }
        driver.order("last", at: "12:13:45")
        driver.advance()
        let anomalies = driver.snapshot.alerts.filter { $0.kind == .ordersAnomaly }
        #expect(anomalies.count == 1)
        #expect(anomalies.first?.windowStartMicros == micros("12:12:00"))
        #expect(anomalies.first?.value == 60)
        #expect(anomalies.first?.baselineTenThousandths == 110_000)
    }

    @Test("baselines print with up to four decimals")
    func format() {
        #expect(TrendDetector.format(20_000) == "2")
        #expect(TrendDetector.format(23_333) == "2.3333")
        #expect(TrendDetector.format(5_000) == "0.5")
    }
}

private func format2(_ hour: Int, _ minute: Int, _ second: Int) -> String {
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(two(hour)):\(two(minute)):\(two(second))"
}

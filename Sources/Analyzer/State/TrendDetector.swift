/// The README's trend and anomaly rules, applied to a window that just closed, against the
/// window positions just before it (a position without orders counts as 0; positions before
/// the stream's first window do not exist).
struct TrendDetector {
    static let productHistory = 10
    static let productMinimumHistory = 3
    static let anomalyHistory = 30
    static let anomalyMinimumHistory = 10

    /// Alerts for `window`, anomaly first, then products by product id.
    ///
    /// - Parameters:
    ///   - previous: the windows at the positions before it, nearest first, nil where a
    ///     position had no orders; only positions that exist.
    static func alerts(for window: TumblingWindow, previous: [TumblingWindow?], products: [ProductStats]) -> [Alert] {
        var alerts: [Alert] = []
        if let anomaly = ordersAnomaly(window, previous: previous.prefix(anomalyHistory)) { alerts.append(anomaly) }
        let history = previous.prefix(productHistory)
        guard history.count >= productMinimumHistory else { return alerts }
        let slots = products.indices.sorted { products[$0].id < products[$1].id }
        for slot in slots {
            let count = window.orders(ofProduct: slot)
            let total = history.reduce(Int64(0)) { $0 + ($1?.orders(ofProduct: slot) ?? 0) }
            let positions = Int64(history.count)
            // Compare count with the mean total/positions in integers: exact, no rounding.
            let id = products[slot].id
            if count * positions >= 3 * total && count * positions >= total + 5 * positions {
                alerts.append(
                    Alert(
                        kind: .rising,
                        subject: id,
                        windowStartMicros: window.start,
                        value: count,
                        baselineTenThousandths: mean(total, positions),
                        message:
                            """
                            \(products[slot].name) (\(id)): \(count) orders in the window, \
                            \(format(mean(total, positions))) a window before
                            """
                    )
                )
            } else if total >= 5 * positions && count * positions * 3 <= total {
                alerts.append(
                    Alert(
                        kind: .falling,
                        subject: id,
                        windowStartMicros: window.start,
                        value: count,
                        baselineTenThousandths: mean(total, positions),
                        message:
                            """
                            \(products[slot].name) (\(id)): \(count) orders in the window, down from \
                            \(format(mean(total, positions)))
                            """
                    )
                )
            }
        }
        return alerts
    }

    /// |c - mean| > 3 s with s >= 1, decided in integers: with n counts, S their sum and Q the
    /// sum of their squares, n^2 s^2 = nQ - S^2, so the test is (cn - S)^2 > 9 (nQ - S^2).
    private static func ordersAnomaly(_ window: TumblingWindow, previous: ArraySlice<TumblingWindow?>) -> Alert? {
        guard previous.count >= anomalyMinimumHistory else { return nil }
        let counts = previous.map { Int128($0?.sums.orders ?? 0) }
        let n = Int128(counts.count)
        let sum = counts.reduce(0, +)
        let squares = counts.reduce(0) { $0 + $1 * $1 }
        let spread = n * squares - sum * sum  // n^2 times the variance
        let count = Int128(window.sums.orders)
        let distance = count * n - sum
        guard spread >= n * n, distance * distance > 9 * spread else { return nil }
        let baseline = mean(Int64(sum), Int64(n))
        let deviation = Int64((Double(spread).squareRoot() / Double(n) * 10_000).rounded())
        let direction = distance > 0 ? "above" : "below"
        return Alert(
            kind: .ordersAnomaly,
            subject: "orders",
            windowStartMicros: window.start,
            value: window.sums.orders,
            baselineTenThousandths: baseline,
            message:
                """
                \(window.sums.orders) orders in the window, far \(direction) the usual \(format(baseline)) \
                (standard deviation \(format(deviation)))
                """
        )
    }

    /// total / positions in ten-thousandths, rounded half away from zero.
    private static func mean(_ total: Int64, _ positions: Int64) -> Int64 {
        (total * 20_000 + positions) / (2 * positions)
    }

    /// A ten-thousandths value with up to 4 decimals, trailing zeros dropped.
    static func format(_ tenThousandths: Int64) -> String {
        let whole = tenThousandths / 10_000
        var fraction = tenThousandths % 10_000
        guard fraction != 0 else { return String(whole) }
        var digits = 4
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}

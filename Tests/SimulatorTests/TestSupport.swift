import Foundation
import Synchronization

@testable import Simulator

/// A clock that only moves when the simulator sleeps, and ends the run (by throwing
/// `CancellationError`) once it reaches `deadline`: simulated seconds take no real time.
final class ManualClock: OrderClock {
    private let now: Mutex<Int64>
    let deadline: Int64

    init(startMicros: Int64, runFor seconds: Double = .infinity) {
        now = Mutex(startMicros)
        deadline = seconds.isFinite ? startMicros + Int64(seconds * 1_000_000) : .max
    }

    func nowMicros() -> Int64 { now.withLock { $0 } }

    func sleep(micros: Int64) async throws {
        let reached = now.withLock { now -> Bool in
            now += micros
            return now >= deadline
        }
        if reached { throw CancellationError() }
        await Task.yield()
    }
}

/// Keeps every record it is sent.
final class CollectingSink: OrderSink {
    struct Sent {
        var key: String
        var value: [UInt8]
        var timestampMicros: Int64
    }

    private let state = Mutex<(records: [Sent], flushes: Int)>(([], 0))
    let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    var records: [Sent] { state.withLock { $0.records } }
    var flushes: Int { state.withLock { $0.flushes } }

    func send(_ batch: OrderBatch) async throws {
        struct Refused: Error {}
        if failing { throw Refused() }
        let sent = (0..<batch.count).map {
            Sent(
                key: String(decoding: batch.key(at: $0), as: UTF8.self),
                value: Array(batch.value(at: $0)),
                timestampMicros: batch.records[$0].timestampMicros
            )
        }
        state.withLock { $0.records += sent }
    }

    func flush() async throws {
        state.withLock { $0.flushes += 1 }
    }
}

/// Whether a record is an order the analyzer should accept: JSON object with exactly the
/// original's fields, right types, positive quantity and price, a real UTC timestamp.
func isValidOrder(_ bytes: [UInt8]) -> Bool {
    guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
    let texts = ["order_id", "product_id", "product_name", "category", "customer_id", "timestamp"]
    guard object.count == 8, texts.allSatisfy({ object[$0] is String }) else { return false }
    guard let price = object["price"] as? NSNumber, !(object["price"] is String), price.doubleValue > 0,
        let quantity = object["quantity"] as? NSNumber, quantity.intValue > 0
    else { return false }
    return isUTCTimestamp(object["timestamp"] as! String)
}

func isUTCTimestamp(_ text: String) -> Bool {
    let pattern = #"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}\+00:00$"#
    guard let match = text.range(of: pattern, options: .regularExpression), match == text.startIndex..<text.endIndex
    else { return false }
    let parts = text.prefix(19).split(whereSeparator: { "-T:".contains($0) }).map { Int($0)! }
    return (1...12).contains(parts[1]) && (1...31).contains(parts[2]) && parts[3] < 24 && parts[4] < 60 && parts[5] < 60
}

func generator(
    seed: UInt64 = 1,
    customers: CustomerPool.Configuration = .init(),
    catalog: Catalog = .standard
) -> OrderGenerator {
    OrderGenerator(
        configuration: .init(
            catalog: catalog,
            seed: seed,
            runID: RunID(startSeconds: 1_757_169_000, nonce: 1),
            customers: customers
        )
    )
}

/// Product shares over `count` orders made at `now`.
func productShares(_ generator: inout OrderGenerator, count: Int, at now: Int64) -> [Double] {
    var counts = Array(repeating: 0, count: generator.configuration.catalog.products.count)
    for _ in 0..<count { counts[generator.nextOrder(at: now).productIndex] += 1 }
    return counts.map { Double($0) / Double(count) }
}

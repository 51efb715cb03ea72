@testable import Analyzer

/// Builds states from order JSON, the way the analyzer sees records.
struct StateDriver {
    var state: AnalyticsState
    var decoder = OrderDecoder()

    init(rules: AggregationRules = AggregationRules()) {
        state = AnalyticsState(rules: rules)
    }

    /// Applies an order given by its fields; `at` is "HH:MM:SS" on 2025-09-06 (UTC).
    @discardableResult
    mutating func order(
        _ id: String,
        product: String = "PROD-001",
        name: String? = nil,
        category: String = "Electronics",
        price: String = "10.00",
        quantity: Int = 1,
        customer: String = "CUST-1",
        at time: String,
        partition: Int32 = 0
    ) -> RecordOutcome? {
        let json = """
            {"order_id":"\(id)","product_id":"\(product)","product_name":"\(name ?? "Name of \(product)")",\
            "category":"\(category)","price":\(price),"quantity":\(quantity),"customer_id":"\(customer)",\
            "timestamp":"2025-09-06T\(time)Z"}
            """
        return record(json, partition: partition)
    }

    /// Applies a raw record value; nil outcome for a malformed one.
    @discardableResult
    mutating func record(_ json: String, partition: Int32 = 0) -> RecordOutcome? {
        var progress = state.partitions[partition] ?? PartitionProgress(nextOffset: 0)
        var bytes = Array(json.utf8)
        let outcome: RecordOutcome? = bytes.withUnsafeMutableBytes { raw in
            switch decoder.decode(UnsafeRawBufferPointer(raw)) {
            case .success(let order):
                return state.apply(order, partitionMax: &progress.maxEventMicros)
            case .failure(let malformed):
                state.countMalformed(malformed.reason)
                return nil
            }
        }
        progress.nextOffset += 1
        state.partitions[partition] = progress
        return outcome
    }

    /// A trigger with no idle partitions.
    mutating func advance(idle: Set<Int32> = []) {
        state.advance(idlePartitions: idle)
    }

    var snapshot: AnalyticsSnapshot {
        state.snapshot(.init(sequence: 1, nowMicros: 0))
    }
}

/// Microseconds of "HH:MM:SS" on 2025-09-06 UTC.
func micros(_ time: String) -> Int64 {
    let parts = time.split(separator: ":").map { Int64($0)! }
    return 1_757_116_800_000_000 + ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1_000_000
}

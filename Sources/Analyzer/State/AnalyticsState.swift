/// Every aggregate of the README, updated one order at a time, and what the next checkpoint
/// must write. Pure state: no I/O, no clock; the analyzer service feeds it records and
/// triggers, and the unit tests feed it hand-built orders.
struct AnalyticsState {
    let rules: AggregationRules

    var catalog = ProductCatalog()
    var totals = OrderSums()
    /// Distinct customers, as 64-bit fingerprints.
    var customers = FingerprintSet<UInt64>()
    /// Customers added since the last checkpoint.
    var newCustomers: [UInt64] = []
    var dedup: OrderDeduplicator
    var partitions: [Int32: PartitionProgress] = [:]
    /// Open windows, oldest first (few: the watermark trails by seconds).
    var openWindows: [TumblingWindow] = []
    /// Closed windows, oldest first.
    var closedWindows: [TumblingWindow] = []
    /// Start of the stream's first window; positions before it do not exist for the trends.
    var firstWindowStart = Int64.max
    var buckets = MinuteBuckets()
    var recent: RecentOrders
    /// Newest first.
    var alerts: [Alert] = []

    var recordsIn: Int64 = 0
    var duplicates: Int64 = 0
    var lateRecords: Int64 = 0
    /// The late orders with the newest timestamps, newest first (ties: order id descending),
    /// at most `lateKept`: by event time, like the recent orders, so the list does not depend
    /// on how the partitions interleave.
    var recentLate: [LateOrder] = []
    /// Per `MalformedReason`, in `allCases` order.
    var malformed = [Int64](repeating: 0, count: MalformedReason.allCases.count)
    /// Largest event time counted from any partition.
    var maxEventMicros = Int64.min
    /// The analyzer's watermark as of the last trigger.
    var watermarkMicros = Int64.min

    /// Checkpoint bookkeeping: closed windows not yet written, windows and dedup generations
    /// whose rows are to be deleted.
    var windowsClosedSinceCheckpoint: [Int64] = []
    var windowsDroppedSinceCheckpoint: [Int64] = []

    init(rules: AggregationRules) {
        self.rules = rules
        self.recent = RecentOrders(capacity: rules.recentOrders)
        self.dedup = OrderDeduplicator(capacity: rules.dedupGenerationCapacity)
    }

    /// Counts one valid order read from a partition whose largest event time so far is
    /// `partitionMax` (updated here).
    @inline(__always)
    mutating func apply(_ order: borrowing DecodedOrder, partitionMax: inout Int64) -> RecordOutcome {
        recordsIn &+= 1
        let time = order.eventTimeMicros
        guard dedup.insert(ByteHash.fingerprint128(order.orderID), eventMicros: time) else {
            duplicates &+= 1
            return .duplicate
        }
        var late = partitionMax != Int64.min && time < partitionMax &- rules.watermarkDelayMicros
        if time > partitionMax { partitionMax = time }
        if time > maxEventMicros { maxEventMicros = time }

        let revenue = Int128(order.priceMicros) * Int128(order.quantity)
        let product = catalog.productSlot(id: order.productID, name: order.productName, category: order.category)
        let category = catalog.categorySlot(order.category)
        catalog.record(order, product: product, category: category, revenueMicros: revenue)
        totals.add(quantity: order.quantity, revenueMicros: revenue)
        let customer = ByteHash.fingerprint64(order.customerID)
        if customers.insert(customer) { newCustomers.append(customer) }
        recent.offer(order)

        let windowStart = Self.floor(time, to: rules.windowMicros)
        // Only possible when an idle partition wakes up with old orders.
        if !late, watermarkMicros != Int64.min, windowStart &+ rules.windowMicros <= watermarkMicros { late = true }
        guard !late else {
            noteLate(order)
            return .late
        }
        if windowStart < firstWindowStart { firstWindowStart = windowStart }
        openWindows[openWindowIndex(start: windowStart)].add(
            quantity: order.quantity,
            revenueMicros: revenue,
            product: product,
            category: category,
            customer: customer
        )
        buckets.add(
            minute: MinuteBuckets.minute(of: time),
            product: product,
            quantity: order.quantity,
            revenueMicros: revenue
        )
        return .counted
    }

    /// How many late orders the snapshot lists.
    static let lateKept = 20

    /// Counts a late order and keeps it if it is among the newest; apart from `apply`, whose
    /// counted path stays small, since late orders are rare.
    private mutating func noteLate(_ order: borrowing DecodedOrder) {
        lateRecords &+= 1
        let late = LateOrder(
            orderID: String(decoding: order.orderID, as: UTF8.self),
            eventTimeMicros: order.eventTimeMicros
        )
        func newer(_ a: LateOrder, _ b: LateOrder) -> Bool {
            (a.eventTimeMicros, a.orderID) > (b.eventTimeMicros, b.orderID)
        }
        if recentLate.count == Self.lateKept, let oldest = recentLate.last, !newer(late, oldest) { return }
        let index = recentLate.firstIndex { newer(late, $0) } ?? recentLate.count
        recentLate.insert(late, at: index)
        if recentLate.count > Self.lateKept { recentLate.removeLast() }
    }

    /// The index of the open window starting at `start`, opening it if needed. A linear
    /// search from the newest: there are few open windows and most orders go to the newest.
    @inline(__always)
    private mutating func openWindowIndex(start: Int64) -> Int {
        var index = openWindows.count - 1
        while index >= 0 {
            let found = openWindows[index].start
            if found == start { return index }
            if found < start { break }
            index -= 1
        }
        openWindows.insert(TumblingWindow(start: start), at: index + 1)
        return index + 1
    }

    /// Counts a record that is not an order.
    mutating func countMalformed(_ reason: MalformedReason) {
        recordsIn &+= 1
        malformed[reason.index] &+= 1
    }

    /// Counts the `records` of a batch that cannot be read, all under `reason`.
    mutating func countUnreadable(_ reason: MalformedReason, records: Int64) {
        recordsIn &+= records
        malformed[reason.index] &+= records
    }

    /// The watermark: the lowest partition watermark, leaving out `idle` partitions; nil
    /// before the first order, and while a partition that is not idle has no order yet (it
    /// could still bring the oldest ones).
    func currentWatermark(idle: Set<Int32>) -> Int64? {
        var lowest: Int64?
        for (partition, progress) in partitions where !idle.contains(partition) {
            guard progress.maxEventMicros != Int64.min else { return nil }
            let mark = progress.maxEventMicros &- rules.watermarkDelayMicros
            lowest = min(lowest ?? mark, mark)
        }
        return lowest
    }

    /// The trigger's work on the aggregates: moves the watermark (never backwards), closes
    /// the windows it passed (evaluating the trend rules), drops windows past the retention
    /// and buckets no sliding window reaches, and rotates the dedup generations.
    mutating func advance(idlePartitions: Set<Int32>) {
        if let mark = currentWatermark(idle: idlePartitions), mark > watermarkMicros {
            watermarkMicros = mark
        }
        closeWindows()
        dropExpiredWindows()
        if maxEventMicros != Int64.min {
            buckets.prune(newestMinute: MinuteBuckets.minute(of: maxEventMicros))
        }
        dedup.rotateIfDue(maxEventMicros: maxEventMicros, horizonMicros: rules.dedupHorizonMicros)
    }

    private mutating func closeWindows() {
        guard watermarkMicros != Int64.min else { return }
        while let oldest = openWindows.first, oldest.start &+ rules.windowMicros <= watermarkMicros {
            var window = openWindows.removeFirst()
            let start = window.start
            window.close()
            let found = TrendDetector.alerts(
                for: window,
                previous: previousWindows(before: start),
                products: catalog.products
            )
            closedWindows.append(window)
            windowsClosedSinceCheckpoint.append(start)
            alerts.insert(contentsOf: found, at: 0)
        }
        if alerts.count > rules.alertsKept { alerts.removeLast(alerts.count - rules.alertsKept) }
    }

    /// The closed windows at the positions before `start`, nearest first, nil for positions
    /// without orders, stopping at the stream's first window.
    private func previousWindows(before start: Int64) -> [TumblingWindow?] {
        let needed = TrendDetector.anomalyHistory
        var byStart: [Int64: Int] = [:]
        for index in closedWindows.indices.reversed() {
            let position = (start - closedWindows[index].start) / rules.windowMicros
            if position > Int64(needed) { break }
            byStart[closedWindows[index].start] = index
        }
        var result: [TumblingWindow?] = []
        var position = start &- rules.windowMicros
        while result.count < needed, position >= firstWindowStart {
            result.append(byStart[position].map { closedWindows[$0] })
            position &-= rules.windowMicros
        }
        return result
    }

    private mutating func dropExpiredWindows() {
        guard watermarkMicros != Int64.min else { return }
        let horizon = watermarkMicros &- rules.windowRetentionMicros
        let expired = closedWindows.prefix { $0.start &+ rules.windowMicros < horizon }
        guard !expired.isEmpty else { return }
        windowsDroppedSinceCheckpoint.append(contentsOf: expired.map(\.start))
        closedWindows.removeFirst(expired.count)
    }

    /// `value` rounded down to a multiple of `step` (towards minus infinity).
    @inline(__always)
    static func floor(_ value: Int64, to step: Int64) -> Int64 {
        let remainder = value % step
        return remainder < 0 ? value - remainder - step : value - remainder
    }
}

extension MalformedReason {
    /// Position in `allCases`, for per-reason counters.
    var index: Int { Self.allCases.firstIndex(of: self)! }
}

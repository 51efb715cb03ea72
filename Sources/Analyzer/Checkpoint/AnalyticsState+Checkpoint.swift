// The aggregates split in two for checkpoints: a body rewritten at every trigger (counters,
// products, open windows, buckets: kilobytes) and sets journalled as chunks of new 16-byte
// fingerprints (customers, order ids, open windows' customers: millions of entries, so only
// what is new is written).
extension AnalyticsState {
    /// Everything except the hash sets and closed windows.
    func encodeBody() -> [UInt8] {
        var writer = CheckpointWriter(reservingCapacity: 64 * 1024)
        writer.int64(recordsIn)
        writer.int64(duplicates)
        writer.int64(lateRecords)
        writer.count(malformed.count)
        for count in malformed { writer.int64(count) }
        writer.int64(maxEventMicros)
        writer.int64(watermarkMicros)
        writer.int64(firstWindowStart)
        writer.sums(totals)
        writer.count(partitions.count)
        for (partition, progress) in partitions.sorted(by: { $0.key < $1.key }) {
            writer.int32(partition)
            writer.int64(progress.nextOffset)
            writer.int64(progress.maxEventMicros)
        }
        encodeCatalog(into: &writer)
        writer.count(openWindows.count)
        for window in openWindows {
            Self.encode(window, into: &writer)
        }
        writer.count(buckets.buckets.count)
        for (minute, sums) in buckets.buckets.sorted(by: { $0.key < $1.key }) {
            writer.int64(minute)
            writer.count(sums.count)
            for entry in sums { writer.sums(entry) }
        }
        writer.count(recent.entries.count)
        for entry in recent.entries {
            writer.int64(entry.eventTimeMicros)
            writer.int64(entry.priceMicros)
            writer.int64(entry.quantity)
            writer.byteArray(entry.bytes)
            for end in [entry.ends.0, entry.ends.1, entry.ends.2, entry.ends.3, entry.ends.4] { writer.count(end) }
        }
        writer.count(alerts.count)
        for alert in alerts {
            writer.string(alert.kind.rawValue)
            writer.string(alert.subject)
            writer.int64(alert.windowStartMicros)
            writer.int64(alert.value)
            writer.int64(alert.baselineTenThousandths)
            writer.string(alert.message)
        }
        writer.int64(dedup.generation)
        writer.int64(dedup.generationStartMicros)
        // Last, so a checkpoint written before late orders were kept still reads.
        writer.count(recentLate.count)
        for late in recentLate {
            writer.string(late.orderID)
            writer.int64(late.eventTimeMicros)
        }
        return writer.bytes
    }

    private func encodeCatalog(into writer: inout CheckpointWriter) {
        writer.count(catalog.products.count)
        for product in catalog.products {
            writer.string(product.id)
            writer.string(product.name)
            writer.string(product.category)
            writer.sums(product.sums)
            writer.int128(product.priceSumMicros)
            writer.int64(product.lastOrderMicros)
        }
        writer.count(catalog.categories.count)
        for category in catalog.categories {
            writer.string(category.name)
            writer.sums(category.sums)
            writer.int128(category.priceSumMicros)
            writer.int64(category.lastOrderMicros)
            writer.count(category.products.count)
            for slot in category.products.sorted() { writer.int32(slot) }
        }
    }

    /// A window's figures without its customer set (open windows journal theirs).
    static func encode(_ window: TumblingWindow, into writer: inout CheckpointWriter) {
        writer.int64(window.start)
        writer.sums(window.sums)
        writer.count(window.categories.count)
        for sums in window.categories { writer.sums(sums) }
        writer.count(window.productOrders.count)
        for count in window.productOrders { writer.int32(count) }
        writer.int64(window.customerCount)
    }

    static func decodeWindow(from reader: inout CheckpointReader) throws -> TumblingWindow {
        let start = try reader.int64()
        let sums = try reader.sums()
        let categories = try (0..<reader.count()).map { _ in try reader.sums() }
        let productOrders = try (0..<reader.count()).map { _ in try reader.int32() }
        let customerCount = try reader.int64()
        return TumblingWindow(
            start: start,
            sums: sums,
            categories: categories,
            productOrders: productOrders,
            customerCount: customerCount
        )
    }

    /// Restores the body; the sets are filled in by `CheckpointStore`.
    mutating func decodeBody(_ bytes: [UInt8]) throws {
        var reader = CheckpointReader(bytes)
        recordsIn = try reader.int64()
        duplicates = try reader.int64()
        lateRecords = try reader.int64()
        let reasons = try reader.count()
        // A checkpoint of a version with fewer reasons (before the batch reasons) is fine:
        // the newer reasons were all zero then.
        guard reasons <= malformed.count else {
            throw CheckpointError("the checkpoint counts \(reasons) malformed reasons, this version \(malformed.count)")
        }
        for index in 0..<reasons { malformed[index] = try reader.int64() }
        maxEventMicros = try reader.int64()
        watermarkMicros = try reader.int64()
        firstWindowStart = try reader.int64()
        totals = try reader.sums()
        partitions = [:]
        for _ in 0..<(try reader.count()) {
            let partition = try reader.int32()
            partitions[partition] = PartitionProgress(
                nextOffset: try reader.int64(),
                maxEventMicros: try reader.int64()
            )
        }
        catalog = try Self.decodeCatalog(from: &reader)
        openWindows = try (0..<reader.count()).map { _ in
            var window = try Self.decodeWindow(from: &reader)
            window.customers = FingerprintSet()  // open: its customers come from the journal
            return window
        }
        var restoredBuckets: [Int64: [OrderSums]] = [:]
        for _ in 0..<(try reader.count()) {
            let minute = try reader.int64()
            restoredBuckets[minute] = try (0..<reader.count()).map { _ in try reader.sums() }
        }
        buckets = MinuteBuckets(buckets: restoredBuckets)
        var entries: [RecentOrders.Entry] = []
        for _ in 0..<(try reader.count()) {
            var entry = RecentOrders.Entry()
            entry.eventTimeMicros = try reader.int64()
            entry.priceMicros = try reader.int64()
            entry.quantity = try reader.int64()
            entry.bytes = try reader.byteArray()
            let ends = try (0..<5).map { _ in try reader.count(limit: entry.bytes.count) }
            entry.ends = (ends[0], ends[1], ends[2], ends[3], ends[4])
            entries.append(entry)
        }
        recent.restore(entries)
        alerts = try (0..<reader.count()).map { _ in
            let kindName = try reader.string()
            guard let kind = Alert.Kind(rawValue: kindName) else {
                throw CheckpointError("unknown alert kind '\(kindName)' in the checkpoint")
            }
            return Alert(
                kind: kind,
                subject: try reader.string(),
                windowStartMicros: try reader.int64(),
                value: try reader.int64(),
                baselineTenThousandths: try reader.int64(),
                message: try reader.string()
            )
        }
        let generation = try reader.int64()
        let generationStart = try reader.int64()
        dedup = OrderDeduplicator(
            capacity: rules.dedupGenerationCapacity,
            current: FingerprintSet(),
            previous: FingerprintSet(),
            generation: generation,
            generationStartMicros: generationStart
        )
        recentLate = []
        if !reader.isAtEnd {
            recentLate = try (0..<reader.count(limit: Self.lateKept)).map { _ in
                LateOrder(orderID: try reader.string(), eventTimeMicros: try reader.int64())
            }
        }
        guard reader.isAtEnd else { throw CheckpointError("the checkpoint has bytes left over after its last field") }
    }

    private static func decodeCatalog(from reader: inout CheckpointReader) throws -> ProductCatalog {
        let products = try (0..<reader.count()).map { _ in
            var product = ProductStats(
                id: try reader.string(),
                name: try reader.string(),
                category: try reader.string()
            )
            product.sums = try reader.sums()
            product.priceSumMicros = try reader.int128()
            product.lastOrderMicros = try reader.int64()
            return product
        }
        let categories = try (0..<reader.count()).map { _ in
            var category = CategoryStats(name: try reader.string())
            category.sums = try reader.sums()
            category.priceSumMicros = try reader.int128()
            category.lastOrderMicros = try reader.int64()
            category.products = Set(try (0..<reader.count()).map { _ in try reader.int32() })
            return category
        }
        return ProductCatalog(products: products, categories: categories)
    }
}

/// The newest orders by event time (ties: order id descending), kept in reused byte buffers
/// so following a stream of millions of orders allocates nothing per order.
struct RecentOrders {
    /// One kept order, its text fields as bytes.
    struct Entry {
        var eventTimeMicros: Int64 = 0
        var priceMicros: Int64 = 0
        var quantity: Int64 = 0
        var bytes: [UInt8] = []
        /// Ends of order id, product id, product name, category, customer id in `bytes`.
        var ends: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)

        var orderID: ArraySlice<UInt8> { bytes[0..<ends.0] }

        func field(_ index: Int) -> String {
            let bounds = [0, ends.0, ends.1, ends.2, ends.3, ends.4]
            return String(decoding: bytes[bounds[index]..<bounds[index + 1]], as: UTF8.self)
        }

        /// Whether this entry is newer than an order with these fields.
        @inline(__always)
        func isNewer(thanTime time: Int64, orderID id: UnsafeRawBufferPointer) -> Bool {
            if eventTimeMicros != time { return eventTimeMicros > time }
            return !bytes[0..<ends.0].lexicographicallyPrecedes(id) && !orderID.elementsEqual(id)
        }
    }

    let capacity: Int
    /// A min-heap: `entries[0]` is the oldest kept order.
    private(set) var entries: [Entry] = []

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    /// Offers an order; kept when it is among the newest.
    @inline(__always)
    mutating func offer(_ order: borrowing DecodedOrder) {
        guard capacity > 0 else { return }
        if entries.count < capacity {
            var entry = Entry()
            Self.fill(&entry, with: order)
            entries.append(entry)
            siftUp(entries.count - 1)
            return
        }
        // Only orders newer than the oldest kept one get in.
        guard entries[0].isNewer(thanTime: order.eventTimeMicros, orderID: order.orderID) == false else { return }
        Self.fill(&entries[0], with: order)
        siftDown(0)
    }

    /// The kept orders, newest first.
    var newestFirst: [Entry] {
        entries.sorted { $0.isNewer(than: $1) }
    }

    /// Replaces the kept orders (checkpoint restore).
    mutating func restore(_ restored: [Entry]) {
        entries = []
        for entry in restored.prefix(capacity) {
            entries.append(entry)
            siftUp(entries.count - 1)
        }
    }

    private static func fill(_ entry: inout Entry, with order: borrowing DecodedOrder) {
        entry.eventTimeMicros = order.eventTimeMicros
        entry.priceMicros = order.priceMicros
        entry.quantity = order.quantity
        entry.bytes.removeAll(keepingCapacity: true)
        entry.bytes.append(contentsOf: order.orderID)
        let a = entry.bytes.count
        entry.bytes.append(contentsOf: order.productID)
        let b = entry.bytes.count
        entry.bytes.append(contentsOf: order.productName)
        let c = entry.bytes.count
        entry.bytes.append(contentsOf: order.category)
        let d = entry.bytes.count
        entry.bytes.append(contentsOf: order.customerID)
        entry.ends = (a, b, c, d, entry.bytes.count)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[parent].isNewer(than: entries[child]) else { return }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var oldest = left
            let right = left + 1
            if right < entries.count, entries[left].isNewer(than: entries[right]) { oldest = right }
            guard entries[parent].isNewer(than: entries[oldest]) else { return }
            entries.swapAt(parent, oldest)
            parent = oldest
        }
    }
}

extension RecentOrders.Entry {
    /// Newer by event time, then by order id.
    func isNewer(than other: RecentOrders.Entry) -> Bool {
        if eventTimeMicros != other.eventTimeMicros { return eventTimeMicros > other.eventTimeMicros }
        return other.orderID.lexicographicallyPrecedes(orderID)
    }
}

/// Remembers the order ids already counted, in two generations, so a duplicate (a producer
/// retry, a replay) is counted once while memory stays bounded.
///
/// An id goes into the current generation. When the largest event time has moved the dedup
/// horizon past the generation's start (checked at each trigger), or the generation is full
/// (checked at each insert), it becomes the previous one and the old previous generation is
/// dropped whole: an id is remembered for at least one horizon of event time after it was
/// seen, unless the capacity cut it short. Ids are 128-bit fingerprints.
struct OrderDeduplicator {
    private(set) var current: FingerprintSet<UInt128>
    private(set) var previous = FingerprintSet<UInt128>()
    /// Number of the current generation (the previous one is `generation - 1`).
    private(set) var generation: Int64 = 0
    /// Largest event time when the current generation began.
    private(set) var generationStartMicros = Int64.min
    /// Ids per generation before it is rotated out.
    let capacity: Int
    /// Ids added since the last checkpoint.
    private(set) var fresh: [UInt128] = []
    /// Ids of the generation that was current before the last rotation, added since the last
    /// checkpoint.
    private(set) var freshOfPrevious: [UInt128] = []
    /// Generations dropped since the last checkpoint.
    private(set) var dropped: [Int64] = []

    init(capacity: Int) {
        self.capacity = capacity
        current = FingerprintSet()
    }

    init(
        capacity: Int,
        current: FingerprintSet<UInt128>,
        previous: FingerprintSet<UInt128>,
        generation: Int64,
        generationStartMicros: Int64
    ) {
        self.capacity = capacity
        self.current = current
        self.previous = previous
        self.generation = generation
        self.generationStartMicros = generationStartMicros
    }

    /// Adds an id; false when it was already there (a duplicate).
    @inline(__always)
    mutating func insert(_ id: UInt128, eventMicros: Int64) -> Bool {
        if previous.contains(id) { return false }
        guard current.insert(id) else { return false }
        fresh.append(id)
        if current.count >= capacity { rotate(startingAt: eventMicros) }
        return true
    }

    var count: Int { current.count + previous.count }

    /// The ids added since the last checkpoint by generation, and the generations dropped;
    /// forgets both (they are being written).
    mutating func takeJournal() -> (added: [(generation: Int64, ids: [UInt128])], dropped: [Int64]) {
        defer {
            fresh = []
            freshOfPrevious = []
            dropped = []
        }
        let added: [(generation: Int64, ids: [UInt128])] = [(generation - 1, freshOfPrevious), (generation, fresh)]
        return (added.filter { !$0.ids.isEmpty }, dropped)
    }

    /// Puts back what `takeJournal` handed out when writing it failed.
    mutating func giveBack(_ journal: (added: [(generation: Int64, ids: [UInt128])], dropped: [Int64])) {
        for chunk in journal.added {
            if chunk.generation == generation { fresh.insert(contentsOf: chunk.ids, at: 0) }
            if chunk.generation == generation - 1 { freshOfPrevious.insert(contentsOf: chunk.ids, at: 0) }
        }
        dropped.insert(contentsOf: journal.dropped, at: 0)
    }

    /// Starts a new generation when the largest event time moved the horizon past the
    /// current one's start.
    mutating func rotateIfDue(maxEventMicros: Int64, horizonMicros: Int64) {
        guard maxEventMicros != Int64.min else { return }
        if generationStartMicros == Int64.min { generationStartMicros = maxEventMicros }
        if maxEventMicros &- generationStartMicros >= horizonMicros { rotate(startingAt: maxEventMicros) }
    }

    private mutating func rotate(startingAt micros: Int64) {
        if generation >= 1 { dropped.append(generation - 1) }
        previous = current
        freshOfPrevious = fresh
        fresh = []
        current = FingerprintSet()
        generation += 1
        generationStartMicros = micros
    }
}

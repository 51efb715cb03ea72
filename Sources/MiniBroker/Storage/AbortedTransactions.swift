/// The aborted transactions of one partition, oldest marker first: what a read_committed Fetch
/// reports so the consumer skips their records. Kafka keeps the same entries in a `.txnindex`
/// file per segment; here one list serves the partition, kept in the partition directory (see
/// `AbortedTransactions+File`) and pruned as the log start moves past the markers.
struct AbortedTransactions: Equatable {
    /// One aborted transaction and the last stable offset right after its marker.
    struct Entry: Equatable {
        /// What a read_committed Fetch reports.
        var transaction: AbortedTransaction
        /// The first offset of the oldest transaction still open after the marker, else one past
        /// the marker (Kafka stores the same). Every transaction aborted later starts at or after
        /// it, which lets `overlapping` stop early.
        var lastStableOffset: Int64

        /// The entry for a transaction `producers` has just closed with an ABORT marker.
        init(_ completed: ProducerStateTable.CompletedTransaction, closedIn producers: ProducerStateTable) {
            transaction = AbortedTransaction(
                producerID: completed.producerID,
                firstOffset: completed.firstOffset,
                lastOffset: completed.lastOffset
            )
            lastStableOffset = producers.firstOpenTransactionOffset ?? completed.lastOffset + 1
        }

        /// An entry as stored.
        init(transaction: AbortedTransaction, lastStableOffset: Int64) {
            self.transaction = transaction
            self.lastStableOffset = lastStableOffset
        }
    }

    /// Ordered by marker offset (`transaction.lastOffset`), which is unique: the order the
    /// markers were written in.
    private(set) var entries: [Entry]

    /// - Parameter entries: ordered by marker offset, as `entries` is.
    init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Adds an entry in marker order. Returns false, changing nothing, when the list already
    /// has the entry of that marker: recovery re-reads markers the file may already hold.
    @discardableResult
    mutating func add(_ entry: Entry) -> Bool {
        let index = firstIndex(endingAtOrAfter: entry.transaction.lastOffset)
        if index < entries.count && entries[index].transaction.lastOffset == entry.transaction.lastOffset {
            return false
        }
        entries.insert(entry, at: index)
        return true
    }

    /// The aborted transactions a read of the offsets [`from`, `to`) must report, as Kafka's
    /// `TransactionIndex.collectAbortedTxns` does: those whose marker is at or after `from` and
    /// whose first offset is before `to`, in first-offset order (the order consumers use).
    func overlapping(from: Int64, to: Int64) -> [AbortedTransaction] {
        var found: [AbortedTransaction] = []
        for entry in entries[firstIndex(endingAtOrAfter: from)...] {
            if entry.transaction.firstOffset < to { found.append(entry.transaction) }
            // Transactions aborted after this one all start at or after its last stable offset.
            if entry.lastStableOffset >= to { break }
        }
        return found.sorted { $0.firstOffset < $1.firstOffset }
    }

    /// Removes the entries whose marker is below `offset` (the log start moved past them).
    /// Returns whether any went.
    mutating func removeAll(endingBefore offset: Int64) -> Bool {
        let end = firstIndex(endingAtOrAfter: offset)
        entries.removeFirst(end)
        return end > 0
    }

    /// Removes the entries whose marker is at or after `offset` (recovery cut the log there, so
    /// their markers are gone). Returns whether any went.
    mutating func removeAll(endingAtOrAfter offset: Int64) -> Bool {
        let start = firstIndex(endingAtOrAfter: offset)
        let removed = entries.count - start
        entries.removeLast(removed)
        return removed > 0
    }

    /// Index of the first entry whose marker is at or after `offset` (binary search).
    private func firstIndex(endingAtOrAfter offset: Int64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].transaction.lastOffset < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

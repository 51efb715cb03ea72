/// The coordinator's transactional ids, and for those whose last transaction completed in
/// memory only, the decision the metadata store still holds.
///
/// Why a completion may wait: completing a transaction that commits no consumer offsets changes
/// nothing a reader depends on (its markers are written; the outcome is in the logs), so it is
/// stored with the id's next change, or by the coordinator's periodic task, instead of in a
/// SQLite commit of its own on every EndTxn. After a crash before then, the store still says
/// "decided", and recovery writes the markers again, which closes nothing that is not open:
/// the id's next transaction cannot have written any data, because its first partition is
/// stored (replacing the decision) before any of its data is appended: by AddPartitionsToTxn,
/// or by its first batch with the second transaction protocol.
struct TransactionTable: Sendable {
    /// Every known id's metadata, as the coordinator answers from it.
    private(set) var metadata: [String: TransactionMetadata]
    /// Ids whose completion is not stored yet, with the decided metadata the store holds.
    private(set) var storedDecisions: [String: TransactionMetadata] = [:]

    init(_ stored: [TransactionMetadata]) {
        metadata = Dictionary(uniqueKeysWithValues: stored.map { ($0.transactionalID, $0) })
    }

    /// One id's metadata in memory.
    subscript(transactionalID: String) -> TransactionMetadata? {
        metadata[transactionalID]
    }

    var values: Dictionary<String, TransactionMetadata>.Values { metadata.values }

    /// What the store holds for the id, so a save writes only what differs from it.
    func stored(_ transactionalID: String) -> TransactionMetadata? {
        storedDecisions[transactionalID] ?? metadata[transactionalID]
    }

    /// `metadata` has been stored: memory and store agree on it.
    mutating func didStore(_ next: TransactionMetadata) {
        metadata[next.transactionalID] = next
        storedDecisions[next.transactionalID] = nil
    }

    /// `completed` holds in memory while the store still has `decided`.
    mutating func completeInMemory(_ completed: TransactionMetadata, decided: TransactionMetadata) {
        metadata[completed.transactionalID] = completed
        storedDecisions[completed.transactionalID] = decided
    }

    /// The completions not stored yet: (in memory, in the store).
    var unstoredCompletions: [(completed: TransactionMetadata, decided: TransactionMetadata)] {
        storedDecisions.compactMap { id, decided in metadata[id].map { ($0, decided) } }
    }

    /// Forgets ids the store no longer holds.
    mutating func remove(_ transactionalIDs: [String]) {
        for id in transactionalIDs {
            metadata[id] = nil
            storedDecisions[id] = nil
        }
    }

    /// Replaces an id's metadata in memory only (tests set up states the store does not hold).
    mutating func setInMemory(_ next: TransactionMetadata) {
        metadata[next.transactionalID] = next
    }
}

/// Finalized feature levels, as ApiVersions v3+ tells clients of them (`FinalizedFeatures`),
/// with the epoch that orders them: a client keeps the levels of the highest epoch it has seen.
public struct FeatureLevels: Equatable, Sendable {
    /// The finalized level of each feature; level 0 means the feature is off.
    public var levels: [String: Int16]
    /// Grows by one with every change.
    public var epoch: Int64

    /// Levels at `epoch`.
    public init(levels: [String: Int16], epoch: Int64) {
        self.levels = levels
        self.epoch = epoch
    }
}

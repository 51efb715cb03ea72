import KafkaWire
import Synchronization

/// The features this broker finalizes in ApiVersions v3+, which an operator changes with
/// UpdateFeatures (Kafka's `kafka-features.sh upgrade|downgrade`, `Admin.updateFeatures`).
///
/// One feature exists: `transaction.version`, which tells Java clients from 4.0 which
/// transaction protocol to use. At 2 (the default, as a new Kafka 4 cluster has it) they use
/// KIP-890's second protocol; at 1 or 0 the first, with AddPartitionsToTxn and
/// AddOffsetsToTxn, so a class can watch those requests with any client. The broker serves both
/// protocols whatever the level: a producer keeps the protocol it chose when it connected, as
/// with Kafka. Levels an operator set are stored and survive restarts.
final class FinalizedFeatures: Sendable {
    /// The levels each feature can be set to (ApiVersions' `SupportedFeatures`).
    static let supported: [String: ClosedRange<Int16>] = ["transaction.version": 0...ServedApis.transactionVersion]
    /// The levels of a broker no operator has changed.
    static let defaults = FeatureLevels(levels: ["transaction.version": ServedApis.transactionVersion], epoch: 1)

    /// How an update may move a level (UpdateFeatures' `UpgradeType`; v0's `AllowDowngrade`
    /// is `.safeDowngrade` when set, `.upgrade` otherwise).
    enum UpgradeType: Int8, Sendable {
        /// The level may only rise (or stay).
        case upgrade = 1
        /// The level may fall, keeping every record readable.
        case safeDowngrade = 2
        /// The level may fall even where records would be lost.
        case unsafeDowngrade = 3
    }

    /// One requested change.
    struct Update: Sendable {
        var feature: String
        var level: Int16
        /// Nil for a value UpdateFeatures does not define.
        var upgradeType: UpgradeType?
    }

    /// Why an update was refused: the whole request is, as Kafka's controller refuses it.
    struct Refusal: Error, Equatable {
        var code: KafkaErrorCode
        var message: String
    }

    private let store: MetadataStore
    private let current: Mutex<FeatureLevels>

    /// The stored levels, or the defaults when none were ever set.
    init(store: MetadataStore) throws {
        self.store = store
        self.current = Mutex(try store.finalizedFeatures() ?? Self.defaults)
    }

    /// The levels clients are told of now.
    var levels: FeatureLevels { current.withLock { $0 } }

    /// Applies `updates` (all or none), stored before this returns, the epoch raised by one;
    /// with `validateOnly` only checks them. Updates that change nothing change no epoch.
    func update(_ updates: [Update], validateOnly: Bool) -> Refusal? {
        current.withLock { current -> Refusal? in
            var next = current
            var seen: Set<String> = []
            for update in updates {
                guard seen.insert(update.feature).inserted else {
                    return Refusal(
                        code: .invalidRequest,
                        message: "the request updates feature '\(update.feature)' more than once"
                    )
                }
                if let refusal = Self.check(update, from: current.levels[update.feature] ?? 0) { return refusal }
                next.levels[update.feature] = update.level
            }
            guard !validateOnly, next.levels != current.levels else { return nil }
            next.epoch += 1
            do {
                try store.saveFinalizedFeatures(next)
            } catch {
                return Refusal(code: .unknownServerError, message: "the feature levels could not be stored: \(error)")
            }
            current = next
            return nil
        }
    }

    /// Why `update` cannot move its feature from `level`, nil when it can.
    private static func check(_ update: Update, from level: Int16) -> Refusal? {
        let name = update.feature
        guard let range = supported[name] else {
            let known = supported.keys.sorted().joined(separator: ", ")
            return Refusal(
                code: .invalidUpdateVersion,
                message: "this broker has no feature '\(name)' (it has \(known))"
            )
        }
        guard range.contains(update.level) else {
            return Refusal(
                code: .invalidUpdateVersion,
                message: """
                    level \(update.level) of '\(name)' is not supported: this broker supports \
                    \(range.lowerBound) to \(range.upperBound)
                    """
            )
        }
        guard let type = update.upgradeType else {
            return Refusal(code: .invalidUpdateVersion, message: "unknown upgrade type for feature '\(name)'")
        }
        if update.level < level && type == .upgrade {
            return Refusal(
                code: .invalidUpdateVersion,
                message: """
                    lowering '\(name)' from \(level) to \(update.level) is a downgrade: ask for a safe \
                    or unsafe downgrade (kafka-features.sh downgrade)
                    """
            )
        }
        if update.level > level && type != .upgrade {
            return Refusal(
                code: .invalidUpdateVersion,
                message: "raising '\(name)' from \(level) to \(update.level) is an upgrade, not a downgrade"
            )
        }
        return nil
    }
}

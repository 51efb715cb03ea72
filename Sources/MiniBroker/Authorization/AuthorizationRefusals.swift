import Logging
import Synchronization

/// The requests the authorizer refused: each refusal counted by operation and resource type,
/// and logged the first time a principal from a host is refused an operation on a resource,
/// so a student retrying in a loop fills neither the log nor memory.
public final class AuthorizationRefusals: Sendable {
    /// One line of the counts.
    public struct Count: Sendable, Equatable {
        public var operation: String
        public var resourceType: String
        public var count: Int
    }

    private struct Key: Hashable {
        var operation: AclOperation
        var resourceType: AclResourceType
    }

    private struct State {
        var counts: [Key: Int] = [:]
        var logged = Set<String>()
    }

    /// How many distinct refusals are remembered for logging once; later new ones are still
    /// counted and logged, but not remembered.
    static let rememberedLimit = 10_000

    private let state = Mutex(State())
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Counts a refusal, and logs it unless the same one was logged before.
    func record(
        _ principal: KafkaPrincipal,
        host: String,
        api: String,
        operation: AclOperation,
        resourceType: AclResourceType,
        resourceName: String
    ) {
        let line =
            "refused \(principal) from \(host): \(operation.name) on \(resourceType.name) '\(resourceName)'"
        let counted = Key(operation: operation, resourceType: resourceType)
        if isFirst(line, counting: counted) {
            logger.warning("\(line) (\(api) request; logged once)")
        }
    }

    /// Logs, once per client and host, that a client went over its produce quota.
    func throttled(_ client: String, host: String, bytesPerSecond: Int64) {
        let line = "throttled \(client) from \(host): over its produce quota of \(bytesPerSecond) bytes/s"
        if isFirst(line, counting: nil) { logger.notice("\(line) (logged once)") }
    }

    /// Counts a refusal (when `counted` names one) and says whether `line` is new to the log.
    private func isFirst(_ line: String, counting counted: Key?) -> Bool {
        state.withLock { state in
            if let counted { state.counts[counted, default: 0] += 1 }
            guard !state.logged.contains(line) else { return false }
            if state.logged.count < Self.rememberedLimit { state.logged.insert(line) }
            return true
        }
    }

    /// Refusals so far, by operation and resource type.
    public func counts() -> [Count] {
        state.withLock { state in
            state.counts.map {
                Count(operation: $0.key.operation.name, resourceType: $0.key.resourceType.name, count: $0.value)
            }
        }.sorted { ($0.resourceType, $0.operation) < ($1.resourceType, $1.operation) }
    }
}

/// How many replicas must have a batch before the broker answers a Produce request (`acks`).
public enum ProducerAcks: Int16, Sendable, Hashable {
    /// No answer at all: fastest, records may be lost silently (`acks=0`).
    case none = 0
    /// The leader wrote the batch (`acks=1`).
    case leader = 1
    /// All in-sync replicas wrote the batch (`acks=all`, `-1`); required for idempotence.
    case all = -1
}

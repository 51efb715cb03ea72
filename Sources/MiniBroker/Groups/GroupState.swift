/// The states of a classic consumer group, spelled as Kafka reports them in DescribeGroups
/// and ListGroups (`kafka-consumer-groups` prints these strings).
public enum GroupState: String, Sendable, CaseIterable {
    /// No members; committed offsets may still exist.
    case empty = "Empty"
    /// Waiting for every member to (re)send JoinGroup.
    case preparingRebalance = "PreparingRebalance"
    /// The join phase is over; waiting for the leader's SyncGroup with the assignments.
    case completingRebalance = "CompletingRebalance"
    /// Every member has its assignment and only heartbeats.
    case stable = "Stable"
    /// The group was deleted or the coordinator shut down.
    case dead = "Dead"
}

extension GroupStateMachine {
    /// Where the group is in the classic protocol, with the data that exists only in that
    /// state: the join phase while PreparingRebalance, the SyncGroup calls still awaited while
    /// CompletingRebalance or Stable.
    enum State {
        /// No members; committed offsets may still exist.
        case empty
        /// Waiting for every member to (re)send JoinGroup, until the phase ends.
        case preparingRebalance(JoinPhase)
        /// The join phase is over; waiting for the leader's SyncGroup with the assignments.
        /// Nil once every member has sent its SyncGroup.
        case completingRebalance(PendingSyncs?)
        /// The assignments are known; members that still owe their SyncGroup may be listed.
        case stable(PendingSyncs?)
        /// The group was deleted or the coordinator shut down.
        case dead

        /// The name DescribeGroups and ListGroups report.
        var name: GroupState {
            switch self {
            case .empty: .empty
            case .preparingRebalance: .preparingRebalance
            case .completingRebalance: .completingRebalance
            case .stable: .stable
            case .dead: .dead
            }
        }

        /// The current join phase; nil outside PreparingRebalance.
        var joinPhase: JoinPhase? {
            guard case .preparingRebalance(let phase) = self else {
                return nil
            }
            return phase
        }

        /// The SyncGroup calls of the generation still awaited. Only CompletingRebalance and
        /// Stable have a generation to sync; in the other states there is nothing to await,
        /// so setting it there changes nothing.
        var pendingSyncs: PendingSyncs? {
            get {
                switch self {
                case .completingRebalance(let pending), .stable(let pending): pending
                case .empty, .preparingRebalance, .dead: nil
                }
            }
            set {
                switch self {
                case .completingRebalance: self = .completingRebalance(newValue)
                case .stable: self = .stable(newValue)
                case .empty, .preparingRebalance, .dead: break
                }
            }
        }
    }
}

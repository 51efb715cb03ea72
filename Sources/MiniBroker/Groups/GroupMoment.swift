import NIOCore

/// A group as it stood right after a change of its membership or state: what the console's
/// rebalance view plays back. The coordinator keeps the last `GroupMoment.kept` of each group.
public struct GroupMoment: Sendable {
    /// One member at that moment.
    public struct Member: Sendable, Equatable {
        public var memberID: String
        public var clientID: String
        public var clientHost: String
        /// Where the member is in the protocol: "joining" (its JoinGroup waits), "to rejoin" (a
        /// rebalance began; its JoinGroup has not come), "to sync" (joined; its SyncGroup has not
        /// come), "syncing" (its SyncGroup waits for the leader's), or "assigned".
        public var phase: String
        /// The consumer protocol assignment it was last given (may be from an older generation
        /// while a rebalance runs).
        public var assignment: ByteBuffer
        public var sessionTimeoutMs: Int
    }

    /// Moments kept per group.
    public static let kept = 100

    /// Milliseconds since the epoch.
    public var atMillis: Int64
    /// Kafka's state name: "PreparingRebalance", "Stable"...
    public var state: String
    public var generation: Int32
    public var leaderID: String?
    public var protocolName: String?
    public var members: [Member]
    /// What changed, in a sentence: who joined or left, and why a member was removed.
    public var change: String
    /// The client ids of the members a passing deadline removed (a session or rebalance
    /// timeout), rather than their own LeaveGroup.
    public var expired: [String] = []
}

extension GroupMoment {
    /// The group's members and state now.
    init(_ group: GroupStateMachine, atMillis: Int64, change: String) {
        let state = group.state.name
        self.init(
            atMillis: atMillis,
            state: group.state.name.rawValue,
            generation: group.generationID,
            leaderID: group.leaderID,
            protocolName: group.protocolName,
            members: group.memberOrder.compactMap { group.members[$0] }.map { member in
                let phase =
                    if member.joinWaiter != nil {
                        "joining"
                    } else if member.syncWaiter != nil {
                        "syncing"
                    } else if state == .preparingRebalance {
                        "to rejoin"
                    } else if state == .completingRebalance {
                        "to sync"
                    } else {
                        "assigned"
                    }
                return Member(
                    memberID: member.memberID,
                    clientID: member.clientID,
                    clientHost: member.clientHost,
                    phase: phase,
                    assignment: member.assignment,
                    sessionTimeoutMs: Int(member.sessionTimeout / .milliseconds(1))
                )
            },
            change: change
        )
    }

    /// Sets `change` and `expired` for going from `before` to `self`; `deadline` when a passing
    /// deadline (not a request) made the change.
    mutating func describe(from before: GroupMoment?, deadline: Bool) {
        let gone = (before?.members ?? []).filter { member in !members.contains { $0.memberID == member.memberID } }
        expired = deadline ? gone.map(\.clientID) : []
        change = describeChange(from: before, gone: gone, deadline: deadline)
    }

    /// What tells one moment from the next: state, generation and each member's phase.
    var signature: [String] {
        ["\(state) \(generation)"] + members.map { "\($0.memberID) \($0.phase)" }
    }

    private func describeChange(from before: GroupMoment?, gone: [Member], deadline: Bool) -> String {
        let old = Dictionary((before?.members ?? []).map { ($0.memberID, $0) }, uniquingKeysWith: { first, _ in first })
        var parts = members.filter { old[$0.memberID] == nil }.map { "\($0.clientID) (\($0.memberID)) joined" }
        for member in gone {
            let who = "\(member.clientID) (\(member.memberID))"
            parts.append(deadline ? "\(who) was removed: \(Self.missedDeadline(member))" : "\(who) left")
        }
        if before?.state != state || before?.generation != generation {
            switch state {
            case GroupState.preparingRebalance.rawValue: parts.append("rebalance started: every member must rejoin")
            case GroupState.completingRebalance.rawValue:
                parts.append(
                    "generation \(generation) formed with \(members.count) member(s); the leader assigns partitions"
                )
            case GroupState.stable.rawValue: parts.append("assignments delivered: generation \(generation) is stable")
            case GroupState.empty.rawValue: parts.append("no members left")
            default: parts.append("state \(state)")
            }
        }
        if parts.isEmpty {
            parts = members.filter { old[$0.memberID]?.phase != $0.phase }.map { "\($0.clientID) is \($0.phase)" }
        }
        return parts.joined(separator: "; ")
    }

    /// Which deadline a member removed by a passing deadline missed, by where it was.
    private static func missedDeadline(_ member: Member) -> String {
        switch member.phase {
        case "to rejoin", "joining": "it did not rejoin within the rebalance timeout"
        case "to sync", "syncing": "it did not sync within its session timeout of \(member.sessionTimeoutMs) ms"
        default: "no heartbeat within its session timeout of \(member.sessionTimeoutMs) ms"
        }
    }
}

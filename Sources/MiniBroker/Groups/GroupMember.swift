import NIOCore

/// A member of a classic group as the coordinator tracks it between requests.
struct GroupMember {
    let memberID: String
    var groupInstanceID: String?
    var clientID: String
    var clientHost: String
    var protocolType: String
    /// Supported protocols with metadata, most preferred first.
    var protocols: [(name: String, metadata: ByteBuffer)]
    var sessionTimeout: Duration
    var rebalanceTimeout: Duration
    var assignment = ByteBuffer()
    /// The member's JoinGroup that waits for the join phase to end.
    var joinWaiter: GroupStateMachine.WaiterID?
    /// The member's SyncGroup that waits for the leader's assignments.
    var syncWaiter: GroupStateMachine.WaiterID?
    /// The member is removed when this passes without a heartbeat, join or sync.
    var sessionDeadline: ContinuousClock.Instant

    init(
        request: JoinGroupInput,
        memberID: String,
        joinWaiter: GroupStateMachine.WaiterID,
        now: ContinuousClock.Instant
    ) {
        self.memberID = memberID
        self.groupInstanceID = request.groupInstanceID
        self.clientID = request.clientID
        self.clientHost = request.clientHost
        self.protocolType = request.protocolType
        self.protocols = request.protocols
        self.sessionTimeout = .milliseconds(request.sessionTimeoutMs)
        self.rebalanceTimeout = .milliseconds(request.rebalanceTimeoutMs)
        self.joinWaiter = joinWaiter
        self.sessionDeadline = now + .milliseconds(request.sessionTimeoutMs)
    }

    /// Kafka keeps members alive while their JoinGroup or SyncGroup is parked: the join phase
    /// is bounded by the rebalance timeout, and the sync phase by the leader's session.
    var isAwaitingResponse: Bool { joinWaiter != nil || syncWaiter != nil }

    func supports(_ protocolName: String) -> Bool {
        protocols.contains { $0.name == protocolName }
    }

    func metadata(for protocolName: String) -> ByteBuffer {
        protocols.first { $0.name == protocolName }?.metadata ?? ByteBuffer()
    }

    /// Whether a rejoin carries exactly the protocols this member already has, so the
    /// coordinator can answer with the current generation instead of rebalancing.
    func hasSameProtocols(as other: [(name: String, metadata: ByteBuffer)]) -> Bool {
        protocols.count == other.count
            && zip(protocols, other).allSatisfy { $0.name == $1.name && $0.metadata == $1.metadata }
    }

    /// The member's most preferred protocol among the candidates, as Kafka's protocol vote.
    func vote(among candidates: Set<String>) -> String? {
        protocols.first { candidates.contains($0.name) }?.name
    }

    mutating func update(
        from request: JoinGroupInput,
        joinWaiter: GroupStateMachine.WaiterID,
        now: ContinuousClock.Instant
    ) {
        groupInstanceID = request.groupInstanceID
        clientID = request.clientID
        clientHost = request.clientHost
        protocols = request.protocols
        sessionTimeout = .milliseconds(request.sessionTimeoutMs)
        rebalanceTimeout = .milliseconds(request.rebalanceTimeoutMs)
        self.joinWaiter = joinWaiter
        extendSession(now: now)
    }

    mutating func extendSession(now: ContinuousClock.Instant) {
        sessionDeadline = now + sessionTimeout
    }
}

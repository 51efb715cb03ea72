import NIOCore

// Classic group membership (KIP-62 style): JoinGroup until the coordinator answers with a
// generation, SyncGroup to receive this member's partitions (the leader sends everyone's),
// then heartbeats; a heartbeat answering REBALANCE_IN_PROGRESS or ILLEGAL_GENERATION makes the
// next poll join again.
extension KafkaConsumer {
    /// The protocol type of Kafka consumers, so other clients' members can share the group.
    static let protocolType = "consumer"

    /// Joins the group `groupID` and reads the partitions of `topics` it assigns, from the
    /// committed offsets (else `autoOffsetReset`). The join happens on the next `poll`.
    ///
    /// - Throws: `.invalidConfiguration` without a group id or with an empty topic list.
    public func subscribe(topics: [String]) throws {
        try checkOpen()
        _ = try requireGroupID()
        guard !topics.isEmpty else {
            throw KafkaClientError(.invalidConfiguration, "subscribe needs at least one topic")
        }
        subscription = topics
        assigned = []
        positions = [:]
        pendingPositions = [:]
        needsRejoin = true
    }

    /// The member id the coordinator gave this consumer; empty outside a group.
    public var groupMemberID: String { memberID }

    /// The group generation this consumer belongs to; -1 outside a group.
    public var groupGeneration: Int32 { generationID }

    func ensureMembership() async throws {
        guard needsRejoin || generationID < 0, let topics = subscription else { return }
        isJoining = true
        defer { isJoining = false }
        let groupID = try requireGroupID()
        let metadata = ConsumerProtocolSubscription(topics: topics).encoded()
        while true {
            try checkOpen()
            let join = JoinGroupRequest(
                groupId: groupID,
                sessionTimeoutMs: Int32(clamping: configuration.sessionTimeout.milliseconds),
                rebalanceTimeoutMs: Int32(clamping: configuration.rebalanceTimeout.milliseconds),
                memberId: memberID,
                protocolType: Self.protocolType,
                protocols: configuration.assignors.map { .init(name: $0.protocolName, metadata: metadata) }
            )
            let joined: JoinGroupResponse = try await sendToCoordinator(
                join,
                minimumVersion: 1,
                maximumVersion: 9,
                timeout: configuration.rebalanceTimeout + configuration.cluster.requestTimeout
            )
            let joinCode = KafkaErrorCode(rawValue: joined.errorCode)
            if joinCode == .memberIdRequired {
                // KIP-394: the coordinator names the member, then expects it to join with that id.
                memberID = joined.memberId
                continue
            }
            guard joinCode == .none else {
                noteGroupError(joinCode)
                if joinCode.isRetriable || joinCode == .unknownMemberId || joinCode == .rebalanceInProgress { continue }
                throw KafkaClientError.broker(joinCode, "JoinGroup for group \(groupID)")
            }
            memberID = joined.memberId
            generationID = joined.generationId
            var assignments: [SyncGroupRequest.SyncGroupRequestAssignment] = []
            if joined.leader == memberID, !joined.skipAssignment {
                assignments = try await assign(members: joined.members, protocolName: joined.protocolName ?? "")
            }
            let sync = SyncGroupRequest(
                groupId: groupID,
                generationId: generationID,
                memberId: memberID,
                protocolType: Self.protocolType,
                protocolName: joined.protocolName,
                assignments: assignments
            )
            let synced: SyncGroupResponse = try await sendToCoordinator(sync, minimumVersion: 0, maximumVersion: 5)
            let syncCode = KafkaErrorCode(rawValue: synced.errorCode)
            guard syncCode == .none else {
                noteGroupError(syncCode)
                if syncCode.isRetriable
                    || [.unknownMemberId, .rebalanceInProgress, .illegalGeneration].contains(syncCode)
                {
                    continue
                }
                throw KafkaClientError.broker(syncCode, "SyncGroup for group \(groupID)")
            }
            let assignment = try ConsumerProtocolAssignment(decoding: synced.assignment)
            needsRejoin = false
            logger.info(
                "joined group \(groupID) generation \(generationID) as \(memberID): \(assignment.partitions.sorted())"
            )
            try await apply(assignment.partitions)
            startHeartbeats()
            return
        }
    }

    /// Runs the assignor the coordinator chose over every member's subscription.
    private func assign(
        members: [JoinGroupResponse.JoinGroupResponseMember],
        protocolName: String
    ) async throws -> [SyncGroupRequest.SyncGroupRequestAssignment] {
        guard let assignor = ConsumerPartitionAssignor(rawValue: protocolName) else {
            throw KafkaClientError(
                .protocolViolation,
                "the coordinator chose assignor \(protocolName), which this consumer did not offer"
            )
        }
        var subscriptions: [String: [String]] = [:]
        for member in members {
            subscriptions[member.memberId] = try ConsumerProtocolSubscription(decoding: member.metadata).topics
        }
        var partitionCounts: [String: Int32] = [:]
        for topic in Set(subscriptions.values.joined()) {
            do {
                partitionCounts[topic] = Int32(try await cluster.topic(topic, refresh: true).partitionCount)
            } catch {
                // A topic that does not exist yet gets no partitions until the next rebalance.
                logger.warning("cannot assign topic \(topic): \(error)")
            }
        }
        let plan = assignor.assign(subscriptions: subscriptions, partitionCounts: partitionCounts)
        return plan.map {
            .init(memberId: $0.key, assignment: ConsumerProtocolAssignment(partitions: $0.value).encoded())
        }
    }

    /// Takes a new assignment: kept partitions keep their positions, new ones start from the
    /// committed offset, else from `autoOffsetReset`.
    private func apply(_ partitions: [KafkaTopicPartition]) async throws {
        let kept = Set(partitions).intersection(assigned)
        assigned = partitions.sorted()
        positions = positions.filter { kept.contains($0.key) }
        pendingPositions = pendingPositions.filter { kept.contains($0.key) }
        let added = assigned.filter { !kept.contains($0) }
        let committed = try await committedOffsets(added)
        for partition in added {
            if let offset = committed[partition] {
                positions[partition] = offset
            } else {
                pendingPositions[partition] = configuration.autoOffsetReset.position
            }
        }
    }

    private func startHeartbeats() {
        guard heartbeatTask == nil else { return }
        let interval = configuration.heartbeatInterval
        heartbeatTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                await self.heartbeat()
            }
        }
    }

    /// One heartbeat; errors are logged and acted on, never thrown, so the loop goes on.
    func heartbeat() async {
        guard !isClosed, !isJoining, !needsRejoin, generationID >= 0, let groupID = configuration.groupID else {
            return
        }
        let generation = generationID
        let request = HeartbeatRequest(groupId: groupID, generationId: generation, memberId: memberID)
        do {
            let response: HeartbeatResponse = try await sendToCoordinator(request, minimumVersion: 0, maximumVersion: 4)
            let code = KafkaErrorCode(rawValue: response.errorCode)
            // A join that finished meanwhile made this answer stale.
            guard code != .none, generation == generationID, !isJoining else { return }
            logger.info("heartbeat for group \(groupID) answered \(code.name); rejoining")
            noteGroupError(code)
        } catch {
            logger.warning("heartbeat for group \(groupID) failed: \(error)")
        }
    }

    /// Tells the coordinator this member leaves, so the group rebalances at once instead of
    /// after the session timeout.
    func leaveGroup() async {
        guard subscription != nil, !memberID.isEmpty, let groupID = configuration.groupID else { return }
        do {
            let connection = try await coordinatorConnection()
            let version = try connection.negotiatedVersion(for: .leaveGroup, cap: 5)
            // v3 replaced the single member id with a batch of members.
            let request =
                version >= 3
                ? LeaveGroupRequest(groupId: groupID, members: [.init(memberId: memberID, reason: "consumer closed")])
                : LeaveGroupRequest(groupId: groupID, memberId: memberID)
            let response = try await connection.send(request, version: version, expecting: LeaveGroupResponse.self)
            let code = KafkaErrorCode(rawValue: response.errorCode)
            if code != .none { logger.warning("LeaveGroup for group \(groupID) answered \(code.name)") }
        } catch {
            logger.warning("LeaveGroup for group \(groupID) failed: \(error)")
        }
        memberID = ""
        generationID = -1
        assigned = []
    }
}

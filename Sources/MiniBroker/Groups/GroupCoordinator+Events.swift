import Logging

/// Running events on a group under the lock, resuming parked calls outside it, and the
/// per-group timer that delivers session, pending-member and join-phase deadlines.
extension GroupCoordinator {
    /// Runs an event that only answers parked calls.
    func update(
        groupID: String,
        deadline: Bool = false,
        _ event: (inout GroupRegistry, ContinuousClock.Instant) -> [GroupStateMachine.Action]
    ) {
        updateReturning(groupID: groupID, deadline: deadline) { registry, now in ((), event(&registry, now)) }
    }

    /// Runs an event on `groupID` and returns its direct result. Continuations are resumed
    /// after the lock is released; the group's timer is re-armed if its next deadline moved.
    /// `deadline`: a passing deadline rather than a request caused the event.
    func updateReturning<Result: Sendable>(
        groupID: String,
        deadline: Bool = false,
        _ event: (inout GroupRegistry, ContinuousClock.Instant) -> (Result, [GroupStateMachine.Action])
    ) -> Result {
        let (result, resumptions) = registry.withLock { registry in
            let before = registry.groups[groupID].map { ($0.state.name, $0.generationID) }
            let (result, actions) = event(&registry, ContinuousClock.now)
            let resumptions = registry.resumptions(for: actions)
            logTransition(groupID: groupID, from: before, to: registry.groups[groupID])
            registry.noteMoment(of: groupID, atMillis: PartitionLog.currentTimeMilliseconds(), deadline: deadline)
            rearmTimer(groupID: groupID, registry: &registry)
            return (result, resumptions)
        }
        for resumption in resumptions {
            resumption.resume()
        }
        return result
    }

    /// Keeps one sleeping task per group, due at the group's earliest deadline. A later
    /// deadline (e.g. after a heartbeat) keeps the armed task: it wakes, finds nothing due
    /// and re-arms, which is cheaper than replacing a task on every heartbeat.
    private func rearmTimer(groupID: String, registry: inout GroupRegistry) {
        guard !registry.isShutDown, let deadline = registry.groups[groupID]?.nextDeadline else {
            registry.timers.removeValue(forKey: groupID)?.task.cancel()
            return
        }
        if let armed = registry.timers[groupID], armed.deadline <= deadline {
            return
        }
        registry.timers[groupID]?.task.cancel()
        let task = Task { [weak self] in
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
            self?.deadlineReached(groupID: groupID, deadline: deadline)
        }
        registry.timers[groupID] = GroupRegistry.Timer(deadline: deadline, task: task)
    }

    private func deadlineReached(groupID: String, deadline: ContinuousClock.Instant) {
        update(groupID: groupID, deadline: true) { registry, now in
            if registry.timers[groupID]?.deadline == deadline {
                registry.timers[groupID] = nil
            }
            return registry.groups[groupID]?.expireDeadlines(now: now) ?? []
        }
    }

    private func logTransition(
        groupID: String,
        from before: (state: GroupState, generation: Int32)?,
        to group: GroupStateMachine?
    ) {
        guard let group, before?.state != group.state.name || before?.generation != group.generationID else { return }
        logger.info(
            "Group state changed",
            metadata: [
                "group": "\(groupID)",
                "state": "\(group.state.name.rawValue)",
                "generation": "\(group.generationID)",
                "members": "\(group.members.count)",
                "protocol": "\(group.protocolName ?? "-")",
            ]
        )
    }
}

import Logging

/// Running events on a group under the lock, resuming parked calls outside it, and the
/// per-group timer that delivers session, pending-member and join-phase deadlines.
extension GroupCoordinator {
    /// Runs an event that only answers parked calls.
    func update(groupId: String, _ event: (inout GroupRegistry, ContinuousClock.Instant) -> [GroupAction]) {
        updateReturning(groupId: groupId) { registry, now in ((), event(&registry, now)) }
    }

    /// Runs an event on `groupId` and returns its direct result. Continuations are resumed
    /// after the lock is released; the group's timer is re-armed if its next deadline moved.
    func updateReturning<Result: Sendable>(
        groupId: String, _ event: (inout GroupRegistry, ContinuousClock.Instant) -> (Result, [GroupAction])
    ) -> Result {
        let (result, resumptions) = registry.withLock { registry in
            let before = registry.groups[groupId].map { ($0.state, $0.generationId) }
            let (result, actions) = event(&registry, ContinuousClock.now)
            let resumptions = registry.resumptions(for: actions)
            logTransition(groupId: groupId, from: before, to: registry.groups[groupId])
            rearmTimer(groupId: groupId, registry: &registry)
            return (result, resumptions)
        }
        resumptions.forEach { $0.resume() }
        return result
    }

    /// Keeps one sleeping task per group, due at the group's earliest deadline. A later
    /// deadline (e.g. after a heartbeat) keeps the armed task: it wakes, finds nothing due
    /// and re-arms, which is cheaper than replacing a task on every heartbeat.
    private func rearmTimer(groupId: String, registry: inout GroupRegistry) {
        guard !registry.isShutDown, let deadline = registry.groups[groupId]?.nextDeadline else {
            registry.timers.removeValue(forKey: groupId)?.task.cancel()
            return
        }
        if let armed = registry.timers[groupId], armed.deadline <= deadline {
            return
        }
        registry.timers[groupId]?.task.cancel()
        let task = Task { [weak self] in
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
            self?.deadlineReached(groupId: groupId, deadline: deadline)
        }
        registry.timers[groupId] = GroupRegistry.Timer(deadline: deadline, task: task)
    }

    private func deadlineReached(groupId: String, deadline: ContinuousClock.Instant) {
        update(groupId: groupId) { registry, now in
            if registry.timers[groupId]?.deadline == deadline {
                registry.timers[groupId] = nil
            }
            return registry.groups[groupId]?.expireDeadlines(now: now) ?? []
        }
    }

    private func logTransition(
        groupId: String, from before: (state: GroupState, generation: Int32)?, to group: GroupStateMachine?
    ) {
        guard let group, before?.state != group.state || before?.generation != group.generationId else { return }
        logger.info(
            "Group state changed",
            metadata: [
                "group": "\(groupId)",
                "state": "\(group.state.rawValue)",
                "generation": "\(group.generationId)",
                "members": "\(group.members.count)",
                "protocol": "\(group.protocolName ?? "-")",
            ]
        )
    }
}

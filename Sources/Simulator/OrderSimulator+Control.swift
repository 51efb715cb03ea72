extension OrderSimulator {
    /// A snapshot of what the simulator has done.
    public var stats: SimulatorStats {
        statsBox.withLock { $0 }
    }

    /// Stops making orders until `resume()`; the service keeps running.
    public func pause() {
        commands.withLock { $0.paused = true }
        statsBox.withLock { $0.isPaused = true }
    }

    /// Makes orders again after `pause()`, without making up for the paused time.
    public func resume() {
        commands.withLock { $0.paused = false }
        statsBox.withLock { $0.isPaused = false }
    }

    /// Changes the pace from the next tick on.
    public func setPacing(_ mode: PacingMode) {
        if case .fixed(let perSecond) = mode { precondition(perSecond >= 0, "a rate cannot be negative") }
        commands.withLock { $0.pacing = mode }
    }

    /// Starts a scenario at the next tick; it ends by itself after its duration.
    /// Throws when it names a product or category the catalog lacks or has a bad value.
    @discardableResult
    public func trigger(_ scenario: Scenario) throws(ScenarioError) -> ScenarioID {
        _ = try ScenarioBoard.resolve(scenario, in: configuration.generator.catalog)
        return commands.withLock { commands in
            let id = ScenarioID(commands.nextScenarioID)
            commands.nextScenarioID += 1
            commands.starts.append((id, scenario))
            return id
        }
    }

    /// Ends a scenario early (no effect if it already ended).
    public func cancel(_ id: ScenarioID) {
        commands.withLock { $0.cancels.append(id) }
    }

    /// Asks `run()` to stop after the current tick, as a graceful shutdown would.
    public func stop() {
        commands.withLock { $0.stop = true }
    }
}

extension OrderGenerator {
    /// A scenario in force, for status displays.
    public struct ActiveScenario: Sendable, Hashable {
        /// The id it was started with.
        public var id: ScenarioID
        /// What it does.
        public var scenario: Scenario
        /// Event time it started at, microseconds since 1970.
        public var startMicros: Int64
        /// Event time it ends at.
        public var endMicros: Int64
    }

    /// Starts `scenario` at event time `now`; it ends by itself after its duration.
    public mutating func start(_ scenario: Scenario, id: ScenarioID, at now: Int64) throws(ScenarioError) {
        try scenarios.start(scenario, id: id, at: now, catalog: configuration.catalog)
        refresh(at: now)
    }

    /// Ends a scenario early; false if it is not (or no longer) in force.
    @discardableResult
    public mutating func cancel(_ id: ScenarioID, at now: Int64) -> Bool {
        defer { refresh(at: now) }
        return scenarios.cancel(id)
    }

    /// Ends the scenarios that are over at `now`, brings ramping weights up to date, and
    /// returns the ids of those that ended.
    @discardableResult
    public mutating func advance(to now: Int64) -> [ScenarioID] {
        let ended = scenarios.expire(at: now).map(\.id)
        refresh(at: now)
        return ended
    }

    /// The scenarios in force.
    public var activeScenarios: [ActiveScenario] {
        scenarios.active.map {
            ActiveScenario(id: $0.id, scenario: $0.scenario, startMicros: $0.startMicros, endMicros: $0.endMicros)
        }
    }

    /// How much faster than the base rate orders should come at `now`: the daily pattern,
    /// traffic spikes, and the extra orders flash sales and viral products bring (their
    /// products gain rate while all others keep theirs).
    public func rateMultiplier(at now: Int64) -> Double {
        let daily = configuration.dailyPattern?.multiplier(atMicros: now) ?? 1
        return daily * scenarios.spikeMultiplier * scenarioWeightFactor
    }

    /// Rebuilds the product table when the scenarios changed, or periodically while a
    /// weight ramps; building is O(n) so it never happens per order.
    private mutating func refresh(at now: Int64) {
        let ramping = scenarios.isRamping && now - (builtAtMicros ?? 0) >= Self.rampRefreshMicros
        guard scenarios.version != builtVersion || ramping else { return }
        let weights = scenarios.weights(base: baseWeights, at: now)
        let total = weights.reduce(0, +)
        // A sale with multiplier 0 on every product would leave nothing to pick; keep the base.
        products = AliasTable(weights: total > 0 ? weights : baseWeights)
        scenarioWeightFactor = total > 0 ? total / baseWeightTotal : 1
        discounts = scenarios.discounts(productCount: baseWeights.count)
        builtVersion = scenarios.version
        builtAtMicros = now
    }
}

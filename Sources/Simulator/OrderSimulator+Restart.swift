extension OrderSimulator.Configuration {
    /// The configuration of a simulator that takes over from one that ended with `stats` (an
    /// operator's restart, or a restart after a failure).
    ///
    /// The run id stays and the order sequence continues where the previous run stopped, so
    /// no order id repeats one already sent: with the same id and sequence 1 again, every new
    /// order would be a duplicate of an old one to the analyzer. The random stream is derived
    /// from the seed and that point, so the new run does not replay the old run's products and
    /// customers, and a `--seed` run with the same restarts is still reproducible.
    public func continuing(after stats: SimulatorStats) -> Self {
        continuing(from: stats.nextSequence)
    }

    /// The configuration of a simulator that goes on at order `nextSequence` of this run (a
    /// restart, or a snapshot's restore): the same as `continuing(after:)` with those stats.
    public func continuing(from nextSequence: UInt64) -> Self {
        var next = self
        let sequence = max(nextSequence, generator.firstSequence)
        next.generator.firstSequence = sequence
        var mixer = Xoshiro256(seed: generator.seed ^ (sequence &* 0x9E37_79B9_7F4A_7C15))
        next.generator.seed = mixer.next()
        return next
    }
}

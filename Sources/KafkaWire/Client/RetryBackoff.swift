/// Exponential backoff with jitter between retries, as Kafka clients do (`retry.backoff.ms`
/// doubling up to `retry.backoff.max.ms`, ±20 % jitter, KIP-580) so that many clients do not
/// retry in lockstep.
public struct RetryBackoff: Sendable, Hashable {
    /// Delay before the first retry.
    public var initial: Duration
    /// Largest delay.
    public var maximum: Duration
    /// Fraction of random spread around each delay (0.2 = ±20 %).
    public var jitter: Double

    /// A backoff from `initial` doubling up to `maximum`.
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(1), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (1 = first retry).
    public func delay(forAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(Double(initial.milliseconds) * Double(1 << exponent), Double(maximum.milliseconds))
        let spread = base * jitter
        let jittered = spread > 0 ? base + Double.random(in: -spread...spread) : base
        return .milliseconds(Int64(max(jittered, 0)))
    }
}

extension Duration {
    /// Whole milliseconds of the duration.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

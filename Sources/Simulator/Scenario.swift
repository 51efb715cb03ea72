/// A classroom event a teacher triggers at run time; each one ends by itself.
public enum Scenario: Sendable, Hashable {
    /// Orders for `target` come `rateMultiplier` times as often (other products keep their
    /// rate) and cost `discountPercent` less, for `duration`.
    case flashSale(target: ScenarioTarget, rateMultiplier: Double, discountPercent: Int, duration: Duration)
    /// Every product's rate is multiplied by `rateMultiplier` for `duration`.
    case trafficSpike(rateMultiplier: Double, duration: Duration)
    /// The product's weight ramps linearly from its own to `peakMultiplier` times it over
    /// `duration`, then falls back.
    case viralProduct(productID: String, peakMultiplier: Double, duration: Duration)
    /// `count` broken records of the given kinds (in turn), spread over `duration` (sent at
    /// once for a zero duration), between the normal orders.
    case malformedBurst(count: Int, kinds: [MalformedKind] = MalformedKind.allCases, duration: Duration = .zero)

    /// How long the scenario lasts.
    public var duration: Duration {
        switch self {
        case .flashSale(_, _, _, let duration), .trafficSpike(_, let duration),
            .viralProduct(_, _, let duration), .malformedBurst(_, _, let duration):
            return duration
        }
    }
}

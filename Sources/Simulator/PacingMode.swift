/// How fast orders are produced.
public enum PacingMode: Sendable, Hashable {
    /// The original's pace: one order after a uniform pause of `minSeconds...maxSeconds`
    /// (3...8 s, about 11 orders a minute).
    case trickle(minSeconds: Double = 3, maxSeconds: Double = 8)
    /// `perSecond` orders a second on average, accurate over time, in chunks per tick.
    case fixed(perSecond: Double)
    /// As fast as the sink accepts them.
    case flood

    /// The original simulator's pace.
    public static let standard = PacingMode.trickle()
}

/// Decides how many orders are due at each tick and how long to wait for the next, without
/// sleeping itself, so tests drive it with any clock.
///
/// A fixed rate accrues fractional orders as credit: over any long window exactly
/// `rate x time` orders are made, however irregular the ticks. Orders are made in chunks per
/// tick rather than one sleep per order, so millions a second cost no more wake-ups than ten.
/// Credit is capped at one second's worth so that after a stall (a slow broker, a paused
/// run) the catch-up burst stays bounded.
public struct RateController: Sendable {
    /// The pace in force.
    public private(set) var mode: PacingMode
    /// Orders per send in flood mode.
    public let floodChunk: Int
    private var random: Xoshiro256
    private var lastMicros: Int64
    private var credit = 0.0
    private var nextTrickleMicros: Int64

    /// Shortest wait between ticks at high rates: about 200 wake-ups a second.
    public static let minimumTickMicros: Int64 = 5_000
    /// Longest single wait, so rate changes and shutdown are noticed quickly.
    public static let maximumTickMicros: Int64 = 100_000

    /// A controller starting at `nowMicros`; `seed` drives the trickle's random pauses.
    public init(mode: PacingMode, nowMicros: Int64, seed: UInt64 = 0, floodChunk: Int = 1024) {
        self.mode = mode
        self.floodChunk = floodChunk
        random = Xoshiro256(seed: seed ^ 0x7261_7465_7061_6365)
        lastMicros = nowMicros
        nextTrickleMicros = nowMicros
        restart(at: nowMicros)
    }

    /// Switches pace; accrued credit is dropped so the new pace starts clean.
    public mutating func change(to mode: PacingMode, at nowMicros: Int64) {
        self.mode = mode
        restart(at: nowMicros)
    }

    /// Forgets the time since the last tick (after a pause), so no backlog is made up.
    public mutating func restart(at nowMicros: Int64) {
        lastMicros = nowMicros
        credit = 0
        if case .trickle = mode { nextTrickleMicros = nowMicros + trickleGap(multiplier: 1) }
    }

    /// Orders due at `nowMicros`, with the rate scaled by `multiplier` (daily pattern, scenarios).
    public mutating func due(at nowMicros: Int64, multiplier: Double) -> Int {
        defer { lastMicros = max(lastMicros, nowMicros) }
        switch mode {
        case .flood:
            return floodChunk
        case .fixed(let perSecond):
            let rate = perSecond * max(multiplier, 0)
            credit += Double(max(nowMicros - lastMicros, 0)) * rate / 1_000_000
            credit = min(credit, max(rate, 1))
            let count = Int(credit)
            credit -= Double(count)
            return count
        case .trickle:
            guard nowMicros >= nextTrickleMicros else { return 0 }
            nextTrickleMicros = nowMicros + trickleGap(multiplier: multiplier)
            return 1
        }
    }

    /// How long to wait after a tick at `nowMicros` (0 in flood mode).
    public func wait(after nowMicros: Int64, multiplier: Double) -> Int64 {
        let wait: Int64
        switch mode {
        case .flood:
            return 0
        case .fixed(let perSecond):
            let rate = perSecond * max(multiplier, 0)
            guard rate > 0 else { return Self.maximumTickMicros }
            wait = Int64(((1 - credit) / rate * 1_000_000).rounded(.up))
        case .trickle:
            wait = nextTrickleMicros - nowMicros
        }
        return min(max(wait, Self.minimumTickMicros), Self.maximumTickMicros)
    }

    /// The target orders per second at `multiplier`, nil in flood mode.
    public func targetRate(multiplier: Double) -> Double? {
        switch mode {
        case .flood: return nil
        case .fixed(let perSecond): return perSecond * multiplier
        case .trickle(let low, let high): return 2 / (low + high) * multiplier
        }
    }

    private mutating func trickleGap(multiplier: Double) -> Int64 {
        guard case .trickle(let low, let high) = mode else { return 0 }
        let seconds = low + (high - low) * random.nextUnit()
        let scaled = multiplier > 0 ? seconds / multiplier : Double(Self.maximumTickMicros) / 1e6
        return Int64(scaled * 1_000_000)
    }
}

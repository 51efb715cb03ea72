/// A rate multiplier for each hour of the day, so a long run shows quiet nights and busy
/// evenings on the dashboard's trend charts.
public struct DailyPattern: Sendable, Hashable {
    /// Multiplier for hours 0...23 of local time.
    public var hourly: [Double]
    /// Local time's offset from UTC in minutes (e.g. 120 for CEST); orders stay in UTC.
    public var utcOffsetMinutes: Int

    /// A pattern from 24 non-negative multipliers.
    public init(hourly: [Double], utcOffsetMinutes: Int = 0) {
        precondition(hourly.count == 24, "a daily pattern has 24 hourly multipliers")
        precondition(hourly.allSatisfy { $0 >= 0 && $0.isFinite }, "multipliers must be >= 0")
        self.hourly = hourly
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// A shop's typical day: little at night, a lunch bump, the peak in the evening
    /// (averaging about 1 over the day, so the configured rate stays the daily mean).
    public static func retail(utcOffsetMinutes: Int = 0) -> DailyPattern {
        DailyPattern(
            hourly: [
                0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.3,
                1.4, 1.2, 1.1, 1.1, 1.2, 1.4, 1.7, 1.9, 1.8, 1.5, 1.0, 0.6,
            ],
            utcOffsetMinutes: utcOffsetMinutes
        )
    }

    /// The multiplier in force at `epochMicros`.
    public func multiplier(atMicros epochMicros: Int64) -> Double {
        let minutes = epochMicros / 60_000_000 + Int64(utcOffsetMinutes)
        let hour = ((minutes / 60) % 24 + 24) % 24
        return hourly[Int(hour)]
    }
}

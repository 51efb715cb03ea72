/// ISO 8601 timestamps in UTC with microseconds and an explicit zone,
/// `2025-09-06T14:30:00.123456+00:00`, the form Python's `datetime.isoformat()` gives for an
/// aware UTC time, so the original analyzer's parsers read it and no reader can take it
/// for local time (fault 6 of the original). The analyzer's JSON uses the `Z` form.
public enum UTCTimestamp {
    /// How the zone is written: `+00:00` (orders, like Python) or `Z` (the analyzer's JSON).
    public enum Zone: Sendable {
        case offset
        case z

        var text: [UInt8] {
            switch self {
            case .offset: UTCTimestamp.offsetZone
            case .z: UTCTimestamp.zZone
            }
        }
    }

    /// Length in bytes of every `+00:00` timestamp written here (years 0000-9999).
    public static let length = 32

    /// The timestamp for microseconds since 1970-01-01T00:00:00Z.
    public static func string(epochMicros: Int64, zone: Zone = .offset) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        append(epochMicros: epochMicros, to: &bytes, zone: zone)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the timestamp to `bytes` without allocating: the 32 characters are written
    /// into a stack buffer and appended at once (the simulator writes one per order).
    public static func append(epochMicros: Int64, to bytes: inout [UInt8], zone: Zone = .offset) {
        let (days, microsOfDay) = floorDivide(epochMicros, 86_400_000_000)
        let (year, month, day) = civil(fromDays: days)
        let seconds = Int(microsOfDay / 1_000_000)
        let micros = Int(microsOfDay % 1_000_000)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { text in
            var at = 0
            func digits(_ value: Int, _ width: Int) {
                var rest = value
                for index in stride(from: at + width - 1, through: at, by: -1) {
                    text[index] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                    rest /= 10
                }
                at += width
            }
            func character(_ ascii: Unicode.Scalar) {
                text[at] = UInt8(ascii: ascii)
                at += 1
            }
            digits(year, 4)
            character("-")
            digits(month, 2)
            character("-")
            digits(day, 2)
            character("T")
            digits(seconds / 3600, 2)
            character(":")
            digits(seconds / 60 % 60, 2)
            character(":")
            digits(seconds % 60, 2)
            character(".")
            digits(micros, 6)
            for byte in zone.text {
                text[at] = byte
                at += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<at]))
        }
    }

    static let offsetZone: [UInt8] = Array("+00:00".utf8)
    static let zZone: [UInt8] = Array("Z".utf8)

    /// Year, month (1-12) and day (1-31) of the proleptic Gregorian calendar for a count of
    /// days since 1970-01-01, by counting in 400-year eras that start on 1 March, so the leap
    /// day is the last day of its year and needs no special case.
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // from 1 March
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0 = March ... 11 = February
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Quotient and remainder rounded towards minus infinity, so times before 1970 split into
    /// a day and a non-negative time of day.
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }
}

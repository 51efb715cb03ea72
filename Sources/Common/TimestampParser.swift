/// Reads an order's `timestamp`: `YYYY-MM-DD`, `T` (or `t`, or one space), `HH:MM:SS`, an
/// optional `.` and 1 to 9 digits, an optional zone `Z`, `z`, `+HH:MM`, `-HH:MM`, `+HHMM` or
/// `-HHMM`, and nothing else; no zone means UTC. The date must exist in the proleptic
/// Gregorian calendar (years 0001-9999), times run to 23:59:59 (no leap seconds), zone
/// offsets to 23:59.
public enum TimestampParser {
    /// Microseconds since 1970-01-01T00:00:00Z, or nil when `text` is not such a timestamp.
    /// Fraction digits past the sixth are dropped, not rounded.
    public static func epochMicros(_ text: UnsafeRawBufferPointer) -> Int64? {
        let count = text.count
        guard count >= 19, let bytes = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        @inline(__always)
        func pair(_ at: Int) -> Int { twoDigits(bytes + at) }
        let century = pair(0)
        let yearOfCentury = pair(2)
        let month = pair(5)
        let day = pair(8)
        let hour = pair(11)
        let minute = pair(14)
        let second = pair(17)
        let separator = bytes[10]
        guard century >= 0, yearOfCentury >= 0, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        let year = century * 100 + yearOfCentury
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }

        var at = 19
        var micros = 0
        if at < count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            let digitsStart = at
            while at < count, bytes[at] &- UInt8(ascii: "0") < 10 {
                if at - digitsStart < 6 { micros = micros * 10 + Int(bytes[at] &- UInt8(ascii: "0")) }
                at += 1
            }
            let digits = at - digitsStart
            guard digits >= 1, digits <= 9 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }

        var offsetMinutes = 0
        if at < count {
            let sign = bytes[at]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                at += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                // +HH:MM is 6 bytes, +HHMM 5; either must end the text.
                let colon = count - at == 6
                guard count - at == 5 || colon, !colon || bytes[at + 3] == UInt8(ascii: ":") else { return nil }
                let zoneHour = pair(at + 1)
                let zoneMinute = pair(at + (colon ? 4 : 3))
                guard (0...23).contains(zoneHour), (0...59).contains(zoneMinute) else { return nil }
                offsetMinutes = (zoneHour * 60 + zoneMinute) * (sign == UInt8(ascii: "-") ? -1 : 1)
                at = count
            } else {
                return nil
            }
        }
        guard at == count else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// The value of the two digits at `text`, or -1 for anything but two digits, which every
    /// range check then rejects.
    @inline(__always)
    /// `epochMicros` of a string's UTF-8 bytes (operator input: `--to-datetime`).
    public static func epochMicros(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { epochMicros(UnsafeRawBufferPointer($0)) }
    }

    private static func twoDigits(_ text: UnsafePointer<UInt8>) -> Int {
        let tens = text[0] &- UInt8(ascii: "0")
        let units = text[1] &- UInt8(ascii: "0")
        return tens < 10 && units < 10 ? Int(tens) * 10 + Int(units) : -1
    }

    /// Whether `year` has a 29 February: every fourth year, except centuries not divisible by 400.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Days in `month` (1-12) of `year`.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given date (negative before it), for years >= 1: the days
    /// of the whole years since 0001-01-01 (365 each plus one per leap year before), of the
    /// whole months of the year, and of the month, less those before 1970.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let yearsBefore = year - 1
        let daysBeforeYear = yearsBefore * 365 + yearsBefore / 4 - yearsBefore / 100 + yearsBefore / 400
        var daysBeforeMonth: Int
        switch month {
        case 1: daysBeforeMonth = 0
        case 2: daysBeforeMonth = 31
        case 3: daysBeforeMonth = 59
        case 4: daysBeforeMonth = 90
        case 5: daysBeforeMonth = 120
        case 6: daysBeforeMonth = 151
        case 7: daysBeforeMonth = 181
        case 8: daysBeforeMonth = 212
        case 9: daysBeforeMonth = 243
        case 10: daysBeforeMonth = 273
        case 11: daysBeforeMonth = 304
        default: daysBeforeMonth = 334
        }
        if month > 2, isLeapYear(year) { daysBeforeMonth += 1 }
        let daysFromYearOneToEpoch = 719_162
        return daysBeforeYear + daysBeforeMonth + day - 1 - daysFromYearOneToEpoch
    }
}

import Testing

@testable import Common

@Suite("Timestamps read from text")
struct TimestampParserTests {
    func micros(_ text: String) -> Int64? {
        Array(text.utf8).withUnsafeBytes { TimestampParser.epochMicros($0) }
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01T00:00:00+00:00", 0),
        ("1969-12-31T23:59:59", -1_000_000),
        ("2025-09-06T14:30:00.123456", 1_757_169_000_123_456),
        ("2025-09-06T14:30:00.123456+00:00", 1_757_169_000_123_456),
        ("2025-09-06T16:30:00.123456+02:00", 1_757_169_000_123_456),
        ("2025-09-06T16:30:00.123456+0200", 1_757_169_000_123_456),
        ("2025-09-06T09:00:00.123456-05:30", 1_757_169_000_123_456),
        ("2025-09-06T09:00:00.123456-0530", 1_757_169_000_123_456),
        ("2025-09-06T14:30:00.123456Z", 1_757_169_000_123_456),
        ("2025-09-06t14:30:00.123456z", 1_757_169_000_123_456),
        ("2025-09-06 14:30:00.123456", 1_757_169_000_123_456),
        ("2025-09-06T14:30:00.123456-00:00", 1_757_169_000_123_456),
        ("2025-09-06T14:30:00.1+00:00", 1_757_169_000_100_000),
        ("2025-09-06T14:30:00.12Z", 1_757_169_000_120_000),
        ("2025-09-06T14:30:00.1234567Z", 1_757_169_000_123_456),
        ("2025-09-06T14:30:00.123456789+00:00", 1_757_169_000_123_456),
        ("2025-09-06T14:30:00.999999999", 1_757_169_000_999_999),
        ("2025-09-06T14:30:00", 1_757_169_000_000_000),
        ("2000-02-29T23:59:59.999999+00:00", 951_868_799_999_999),
        ("2024-02-29T12:00:00-05:30", 1_709_227_800_000_000),
        ("1900-03-01T00:00:00", -2_203_891_200_000_000),
        ("2100-02-28T00:00:00", 4_107_456_000_000_000),
        ("1600-02-29T00:00:00", -11_670_998_400_000_000),
        ("0001-01-01T00:00:00", -62_135_596_800_000_000),
        ("9999-12-31T23:59:59.999999", 253_402_300_799_999_999),
        ("2025-01-01T00:30:00+23:59", 1_735_605_060_000_000),
    ])
    func knownEpochValues(text: String, expected: Int64) {
        #expect(micros(text) == expected)
    }

    @Test(arguments: [
        "2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1600-02-29T00:00:00Z", "2025-01-31T00:00:00Z",
        "2025-04-30T00:00:00Z", "2025-12-31T23:59:59Z",
    ])
    func realDates(text: String) {
        #expect(micros(text) != nil)
    }

    @Test(arguments: [
        "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-02-30T00:00:00Z",
        "2025-04-31T00:00:00Z", "2025-06-31T00:00:00Z", "2025-09-31T00:00:00Z", "2025-11-31T00:00:00Z",
        "2025-01-32T00:00:00Z", "2025-00-10T00:00:00Z", "2025-01-00T00:00:00Z", "0000-06-01T00:00:00Z",
        "2025-13-45T25:61:00.000000+00:00", "yesterday", "", "1757169000", "2025-09-06", "2025-09-06T",
        "2025-09-06T14:30:00.", "2025-09-06T14:30:00.1234567890", "2025-09-06T14:30:00+02", "2025-09-06T14:30:00+2:00",
        "2025-09-06T14:30:00+02:0", "2025-09-06T14:30:00+0200Z", "2025-09-06T14:30:00Z+02:00", "2025-09-06T14:30:00GMT",
        "2025-09-06T14:30:00.12a", "2025-09-06T14:3O:00", "２０２５-09-06T14:30:00", "2025/09/06T14:30:00",
        "2025-09-06T14:30:00+ 2:00", "+2025-09-06T14:30:00", "-001-01-01T00:00:00", "2025-09-06T14:30:00,5",
        "2025-09-06T14:30", "2025-09-06T14:30:00+24:00", "2025-09-06T14:30:00-00:60", "2025-09-06T23:59:60Z",
        "2025-09-06  14:30:00", "2025-09-06T14:30:00.123+", "2025-09-06T14:30:00-",
    ])
    func notTimestamps(text: String) {
        #expect(micros(text) == nil)
    }

    @Test func everyDayFollowsThePreviousOne() {
        var expected = TimestampParser.daysSinceEpoch(year: 1, month: 1, day: 1)
        #expect(expected == -719_162)
        for year in 1...9999 {
            for month in 1...12 {
                for day in 1...TimestampParser.daysIn(month: month, year: year) {
                    if TimestampParser.daysSinceEpoch(year: year, month: month, day: day) != expected {
                        Issue.record(
                            """
                            \(year)-\(month)-\(day) is day \
                            \(TimestampParser.daysSinceEpoch(year: year, month: month, day: day)), expected \
                            \(expected)
                            """
                        )
                        return
                    }
                    expected += 1
                }
            }
        }
        #expect(expected - 1 == TimestampParser.daysSinceEpoch(year: 9999, month: 12, day: 31))
        #expect(TimestampParser.daysSinceEpoch(year: 9999, month: 12, day: 31) == 2_932_896)
        #expect(TimestampParser.daysSinceEpoch(year: 2000, month: 3, day: 1) == 11_017)
    }

    @Test func leapYears() {
        #expect(TimestampParser.isLeapYear(2024))
        #expect(TimestampParser.isLeapYear(2000))
        #expect(!TimestampParser.isLeapYear(1900))
        #expect(!TimestampParser.isLeapYear(2025))
        #expect(TimestampParser.isLeapYear(4))
        #expect(!TimestampParser.isLeapYear(1))
    }

    @Test func aStringIsReadLikeItsBytes() {
        #expect(TimestampParser.epochMicros("1970-01-01T00:00:01Z") == 1_000_000)
        #expect(TimestampParser.epochMicros("2026-12-06 10:00:00+01:00") == micros("2026-12-06T09:00:00Z"))
        #expect(TimestampParser.epochMicros("yesterday") == nil)
    }
}

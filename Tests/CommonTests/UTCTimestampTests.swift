import Foundation
import Testing

@testable import Common

@Suite("UTC timestamps")
struct UTCTimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000+00:00"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000+00:00"),  // leap day of a 400-year leap year
        (951_868_799_999_999, "2000-02-29T23:59:59.999999+00:00"),
        (4_107_542_400_000_000, "2100-03-01T00:00:00.000000+00:00"),  // 2100 is not a leap year
        (1_709_251_199_000_001, "2024-02-29T23:59:59.000001+00:00"),
        (1_735_689_599_999_999, "2024-12-31T23:59:59.999999+00:00"),
        (1_735_689_600_000_000, "2025-01-01T00:00:00.000000+00:00"),
        (1_756_684_799_500_000, "2025-08-31T23:59:59.500000+00:00"),
        (-1, "1969-12-31T23:59:59.999999+00:00"),
    ])
    func timestamps(micros: Int64, expected: String) {
        #expect(UTCTimestamp.string(epochMicros: micros) == expected)
        #expect(expected.utf8.count == UTCTimestamp.length)
    }

    @Test func zoneZ() {
        #expect(UTCTimestamp.string(epochMicros: 1_757_169_000_123_456, zone: .z) == "2025-09-06T14:30:00.123456Z")
    }

    @Test func appendsToWhatIsThere() {
        var bytes = Array("at ".utf8)
        UTCTimestamp.append(epochMicros: 0, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "at 1970-01-01T00:00:00.000000+00:00")
    }

    @Test func timestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        // 2000 instants spread over 1970 ... 2223, each at a different time of day.
        for step in Int64(0)..<2000 {
            let seconds = step * 4_000_037 + step * step % 86_400
            let ours = UTCTimestamp.string(epochMicros: seconds * 1_000_000)
            let theirs = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(ours.prefix(19) == theirs.prefix(19))
        }
    }

    @Test func wallClockUnitsAgree() {
        let micros = WallClock.nowMicros
        let milliseconds = WallClock.nowMilliseconds()
        #expect(abs(milliseconds - micros / 1000) < 1000)
        #expect(micros > 1_700_000_000_000_000)
    }
}

/// A JSON number as `JSONScanner` found it: where its digits are in the value and its
/// exponent, so that `price` and `quantity` are converted exactly, with integer arithmetic on
/// the decimal digits, never through a `Double` (79.99 must stay 79_990_000 micro-units).
struct JSONNumber {
    /// Exponents beyond this are kept at it: the value is then far out of range (or rounds to
    /// zero) either way, and the arithmetic on digit positions cannot overflow.
    static let exponentLimit = 1_000_000_000

    /// A leading `-`.
    var negative = false
    /// Offset in the value of the integer part's first digit.
    var integerStart = 0
    /// Digits before the point (at least 1; more than 1 only without a leading zero).
    var integerCount = 0
    /// Offset in the value of the first digit after the point.
    var fractionStart = 0
    /// Digits after the point; 0 without a fraction.
    var fractionCount = 0
    /// The exponent's value, clamped to ±`exponentLimit`; 0 without one.
    var exponent = 0
    /// Whether the number had `e` or `E`.
    var hasExponent = false

    /// An integer in the JSON sense the contract uses for `quantity`: no fraction, no exponent
    /// (so `2.0` and `2e0` are not integers).
    var isInteger: Bool { fractionCount == 0 && !hasExponent }

    /// The decimal digit at `index` of the mantissa, integer part then fraction part.
    @inline(__always)
    private func digit(_ index: Int, in value: UnsafePointer<UInt8>) -> Int64 {
        let offset = index < integerCount ? integerStart + index : fractionStart + (index - integerCount)
        return Int64(value[offset] &- UInt8(ascii: "0"))
    }

    /// Index of the mantissa's first non-zero digit, or nil when the number is zero.
    private func firstSignificantDigit(in value: UnsafePointer<UInt8>) -> Int? {
        let total = integerCount + fractionCount
        var index = 0
        while index < total {
            if digit(index, in: value) != 0 { return index }
            index += 1
        }
        return nil
    }

    /// Below zero: a minus sign and a non-zero digit (`-0` and `-0.0` are zero, but
    /// `-0.0000001` is negative even though it rounds to 0 micro-units).
    func isNegative(in value: UnsafePointer<UInt8>) -> Bool {
        negative && firstSignificantDigit(in: value) != nil
    }

    /// The magnitude in micro-units (10^-6), digits beyond the sixth decimal rounded half to
    /// even; nil when it is `limit` (at most 10^18) or more.
    func microUnits(in value: UnsafePointer<UInt8>, limit: Int64) -> Int64? {
        // mantissa x 10^scale micro-units, where the mantissa is the digits without the point.
        let scale = exponent - fractionCount + 6
        guard integerCount + fractionCount <= 18, scale >= -18, scale <= 18 else {
            return microUnitsDigitByDigit(in: value, limit: limit)
        }
        // The usual price: at most 18 digits fit an Int64, so one division rounds it.
        var mantissa: Int64 = 0
        for offset in integerStart..<(integerStart + integerCount) {
            mantissa = mantissa * 10 + Int64(value[offset] &- UInt8(ascii: "0"))
        }
        for offset in fractionStart..<(fractionStart + fractionCount) {
            mantissa = mantissa * 10 + Int64(value[offset] &- UInt8(ascii: "0"))
        }
        if scale >= 0 {
            let (micros, overflow) = mantissa.multipliedReportingOverflow(by: Self.powerOfTen(scale))
            return !overflow && micros < limit ? micros : nil
        }
        let divisor = Self.powerOfTen(-scale)
        var micros = mantissa / divisor
        let twiceRemainder = mantissa % divisor * 2  // < 2 * 10^18, within Int64
        if twiceRemainder > divisor || (twiceRemainder == divisor && micros & 1 == 1) { micros += 1 }
        return micros < limit ? micros : nil
    }

    /// `microUnits` for numbers of any length or exponent (hundreds of digits, `1e999999`),
    /// working on digit positions: linear in the digits whatever the exponent, and no
    /// intermediate value reaches 10^19.
    private func microUnitsDigitByDigit(in value: UnsafePointer<UInt8>, limit: Int64) -> Int64? {
        guard let first = firstSignificantDigit(in: value) else { return 0 }
        let total = integerCount + fractionCount
        // Mantissa digits before `point` are whole micro-units, the rest is rounded away;
        // `point` may lie before the digits (tiny numbers) or after them (trailing zeros).
        let point = integerCount + exponent + 6
        guard point - first <= 18 else { return nil }  // 19 whole digits are >= 10^18 >= limit
        var result: Int64 = 0
        var index = first
        let stop = min(point, total)
        while index < stop {
            result = result * 10 + digit(index, in: value)
            index += 1
        }
        var zeros = point - total
        while zeros > 0 {
            result *= 10
            zeros -= 1
        }
        // `point` < 0 means the first dropped digit is a zero before the mantissa: round down.
        if point >= 0, point < total {
            let dropped = digit(point, in: value)
            var roundUp = dropped > 5
            if dropped == 5 {
                var index = point + 1
                var moreThanHalf = false
                while index < total {
                    if digit(index, in: value) != 0 {
                        moreThanHalf = true
                        break
                    }
                    index += 1
                }
                roundUp = moreThanHalf || result & 1 == 1
            }
            if roundUp { result += 1 }
        }
        return result < limit ? result : nil
    }

    /// The magnitude of an integer (see `isInteger`), or nil when it is `limit` (at most
    /// 10^18) or more.
    func integerMagnitude(in value: UnsafePointer<UInt8>, limit: Int64) -> Int64? {
        // JSON integers have no leading zeros, so 19 digits are at least 10^18.
        guard integerCount <= 18 else { return nil }
        var result: Int64 = 0
        for offset in integerStart..<(integerStart + integerCount) {
            result = result * 10 + Int64(value[offset] &- UInt8(ascii: "0"))
        }
        return result < limit ? result : nil
    }

    /// 10^exponent for 0...18.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}

/// Exact money arithmetic on integers of micro-units (10^-6 of the currency unit).
public enum Money {
    /// Micro-units in one cent.
    static let microsPerCent: Int128 = 10_000

    /// `value / divisor` rounded half away from zero; 0 when `divisor` is 0.
    public static func divide(_ value: Int128, by divisor: Int128) -> Int128 {
        guard divisor != 0 else { return 0 }
        let negative = (value < 0) != (divisor < 0)
        let magnitude = value.magnitude
        let by = divisor.magnitude
        let quotient = (magnitude * 2 + by) / (by * 2)
        return negative ? -Int128(quotient) : Int128(quotient)
    }

    /// Whole cents of an amount of micro-units, rounded half away from zero (clamped to
    /// 64 bits: 92 million billion in any currency).
    public static func cents(_ micros: Int128) -> Int64 {
        Int64(clamping: divide(micros, by: microsPerCent))
    }

    /// Cents of `micros / count`, rounded once from the exact quotient (rounding to micro-units
    /// first could move a value across a half cent); 0 when `count` is 0.
    public static func cents(_ micros: Int128, per count: Int64) -> Int64 {
        Int64(clamping: divide(micros, by: microsPerCent * Int128(count)))
    }
}

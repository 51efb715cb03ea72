/// Writes JSON text into a byte array, for snapshots that are rendered every trigger: no
/// Foundation, no intermediate dictionaries. The caller keeps the structure right (keys in
/// objects, commas are handled here).
public struct JSONWriter {
    /// The text so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current container needs a comma before it.
    private var needsComma = false

    /// An empty writer.
    public init(reservingCapacity capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    /// The text as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts an object (as a value, or after `key`).
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Ends the current object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Starts an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Ends the current array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a key; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string value.
    public mutating func string(_ value: String) {
        separate()
        appendString(value)
        needsComma = true
    }

    /// An integer value. Inlinable, so callers in other modules get it specialised for
    /// their integer type rather than going through the generic `BinaryInteger` witness.
    @inlinable
    public mutating func integer<Value: BinaryInteger>(_ value: Value) {
        raw(String(value))
    }

    /// A boolean value.
    public mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// `null`.
    public mutating func null() {
        raw("null")
    }

    /// A number of hundredths written with two decimals (`12.30`): money in cents.
    public mutating func cents(_ value: Int64) {
        raw(Self.decimal(value, digits: 2))
    }

    /// A number of ten-thousandths written with four decimals.
    public mutating func tenThousandths(_ value: Int64) {
        raw(Self.decimal(value, digits: 4))
    }

    /// A finite floating-point number (rates, latencies); non-finite ones as 0.
    public mutating func double(_ value: Double, decimals: Int = 3) {
        guard value.isFinite else { return raw("0") }
        let scale = Int64(Self.powerOfTen(decimals))
        raw(Self.decimal(Int64((value * Double(scale)).rounded()), digits: decimals))
    }

    /// A timestamp string (ISO 8601, UTC, microseconds, `Z`).
    public mutating func timestamp(micros: Int64) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        UTCTimestamp.append(epochMicros: micros, to: &bytes, zone: .z)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Text that already is a JSON value.
    public mutating func raw(_ json: String) {
        separate()
        bytes.append(contentsOf: json.utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendString(_ value: String) {
        JSONString.append(value, to: &bytes)
    }

    /// `value / 10^digits` with exactly `digits` decimals.
    static func decimal(_ value: Int64, digits: Int) -> String {
        let scale = UInt64(powerOfTen(digits))
        let magnitude = value.magnitude
        let fraction = String(magnitude % scale)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return (value < 0 ? "-" : "") + String(magnitude / scale) + (digits > 0 ? "." + padded : "")
    }

    private static func powerOfTen(_ digits: Int) -> UInt64 {
        (0..<digits).reduce(1) { product, _ in product * 10 }
    }
}

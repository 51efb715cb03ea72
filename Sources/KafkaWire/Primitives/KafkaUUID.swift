/// A 16-byte UUID as Kafka sends it (topic ids). The all-zero value means "no id".
public struct KafkaUUID: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id Kafka uses for "unset".
    public static let zero = KafkaUUID(high: 0, low: 0)

    /// A random version-4 UUID.
    public static func random() -> KafkaUUID {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() & ~UInt64(0xF000)) | 0x4000
        let low = (generator.next() & ~(UInt64(0xC) << 60)) | (UInt64(0x8) << 60)
        return KafkaUUID(high: high, low: low)
    }

    public var description: String {
        let hex = String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

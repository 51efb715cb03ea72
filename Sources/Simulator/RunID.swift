/// The part of an order id that tells one simulator run from another, so ids stay unique
/// across restarts (the original restarted at `ORDER-000001` and produced duplicates).
///
/// It is the start time in whole seconds since 1970 in base 36 (six characters until 2038,
/// seven after) followed by two base-36 characters from a random nonce, so two runs started
/// in the same second still differ with high probability. Order ids read
/// `ORDER-<run id>-<sequence>`, e.g. `ORDER-T268A007-000001`. The nonce is not derived from
/// `--seed`: a replayed run gets the same products and customers but new order ids.
public struct RunID: Sendable, Hashable, CustomStringConvertible {
    /// The run id as it appears in order ids (upper-case letters and digits).
    public let text: String

    /// A run id for a run started at `startSeconds` (since 1970) with a nonce in `0..<1296`.
    public init(startSeconds: Int64, nonce: UInt16) {
        text =
            Self.base36(UInt64(max(0, startSeconds)), minimumWidth: 6)
            + Self.base36(UInt64(nonce % 1296), minimumWidth: 2)
    }

    /// Uses `text` as given; it must be non-empty and contain only characters allowed in
    /// a JSON string without escaping (letters, digits, `-`, `_`).
    public init?(text: String) {
        let allowed = text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard !text.isEmpty, allowed else { return nil }
        self.text = text
    }

    /// A run id for now, with a nonce from the system's random source.
    public static func make(startMicros: Int64) -> RunID {
        var system = SystemRandomNumberGenerator()
        return RunID(startSeconds: startMicros / 1_000_000, nonce: UInt16.random(in: 0..<1296, using: &system))
    }

    public var description: String { text }

    private static func base36(_ value: UInt64, minimumWidth: Int) -> String {
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var result: [UInt8] = []
        var rest = value
        repeat {
            result.append(digits[Int(rest % 36)])
            rest /= 36
        } while rest > 0
        while result.count < minimumWidth { result.append(UInt8(ascii: "0")) }
        return String(decoding: result.reversed(), as: UTF8.self)
    }
}

import Common

/// Random bytes for salts and nonces, from the system's generator.
package enum SecureRandom {
    package static func bytes(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A nonce of printable characters (RFC 5802 forbids ',' in it; base64 has none).
    package static func nonce() -> String {
        Base64.encode(bytes(count: 18))
    }
}

/// Comparisons whose time does not depend on where the inputs differ, so an attacker timing
/// answers learns nothing about a key.
package enum ConstantTime {
    package static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

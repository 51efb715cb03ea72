/// Fingerprints of byte strings (order ids, customer ids, product ids): sets of millions of
/// ids cost 8 or 16 bytes an entry whatever the ids' length.
///
/// Two lanes over 8-byte words, each finished with a 64-bit avalanche (the finaliser of
/// MurmurHash3), so every input bit flips about half of the output bits. For ids that are
/// not crafted to collide, two ids share a 128-bit fingerprint with a probability of about
/// 2^-128 per pair, a 64-bit one with about 2^-64 (a million customers: one chance in
/// 36 billion of miscounting one).
enum ByteHash {
    /// The 128-bit fingerprint of `bytes` (order ids: a wrong "duplicate" would lose an order).
    @inline(__always)
    static func fingerprint128(_ bytes: UnsafeRawBufferPointer) -> UInt128 {
        let (a, b) = lanes(bytes)
        return UInt128(avalanche(a &+ b)) << 64 | UInt128(avalanche(b ^ (a >> 17)))
    }

    /// The 64-bit fingerprint of `bytes` (counts of distinct customers, catalog lookups).
    @inline(__always)
    static func fingerprint64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let (a, b) = lanes(bytes)
        return avalanche(b ^ (a >> 17))
    }

    /// The 64-bit fingerprint of a string's UTF-8 bytes.
    static func fingerprint64(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { fingerprint64(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private static func lanes(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            a = (a ^ word) &* 0xFF51_AFD7_ED55_8CCD
            a = (a << 31) | (a >> 33)
            b = (b &+ word) &* 0xC4CE_B9FE_1A85_EC53
            b = (b << 29) | (b >> 35)
            index += 8
        }
        if index < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            a = (a ^ tail) &* 0xFF51_AFD7_ED55_8CCD
            b = (b &+ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        return (a, b)
    }

    @inline(__always)
    static func avalanche(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}

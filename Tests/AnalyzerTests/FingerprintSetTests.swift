import Testing

@testable import Analyzer

@Suite("Fingerprint sets")
struct FingerprintSetTests {
    @Test("inserts, finds and grows past many entries; zero is a fingerprint like any other")
    func insertAndGrow() {
        var set = FingerprintSet<UInt64>()
        let firstZero = set.insert(0)
        let secondZero = set.insert(0)
        #expect(firstZero && !secondZero)
        var allNew = true
        for value in 1...100_000 as ClosedRange<UInt64> {
            allNew = set.insert(value &* 0x9E37_79B9_7F4A_7C15) && allNew
        }
        #expect(allNew)
        #expect(set.count == 100_001)
        #expect(set.contains(0) && set.contains(77 &* 0x9E37_79B9_7F4A_7C15))
        #expect(!set.contains(123_456_789))
        let again = set.insert(5 &* 0x9E37_79B9_7F4A_7C15)
        #expect(!again)
        #expect(Set(set.elements).count == 100_001)
    }

    @Test("128-bit fingerprints of different ids differ, equal ids agree")
    func fingerprints() {
        let a = Array("ORDER-TP8XMHCU-000001".utf8)
        let b = Array("ORDER-TP8XMHCU-000002".utf8)
        let first = a.withUnsafeBytes { ByteHash.fingerprint128($0) }
        let again = a.withUnsafeBytes { ByteHash.fingerprint128($0) }
        let other = b.withUnsafeBytes { ByteHash.fingerprint128($0) }
        #expect(first == again && first != other)
        #expect(ByteHash.fingerprint64("CUST-0001") != ByteHash.fingerprint64("CUST-0002"))
    }

    @Test("a map keeps the first value of a key")
    func map() {
        var map = FingerprintMap<UInt64, Int32>()
        let first = map.insert(42, 1)
        let second = map.insert(42, 2)
        #expect(first && !second)
        #expect(map[42] == 1 && map[43] == nil && map.count == 1)
    }
}

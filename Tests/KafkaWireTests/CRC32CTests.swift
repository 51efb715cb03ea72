import KafkaWire
import NIOCore
import Testing

@Suite struct CRC32CTests {
    // Check values from RFC 3720 appendix B.4 and the usual "123456789" check string.
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(UInt8(0)...UInt8(31))) == 0x46DD_794E)
    }

    @Test func incrementalEqualsWhole() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let split = bytes.withUnsafeBytes { raw in
            let first = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: raw[0..<333]))
            return CRC32C.update(first, UnsafeRawBufferPointer(rebasing: raw[333...]))
        }
        #expect(whole == split)
    }
}

@Suite struct CRC32CLaneTests {
    /// Inputs long enough for the three-lane path must agree with byte-wise updates, at
    /// lengths around the lane boundaries.
    @Test(arguments: [12_287, 12_288, 12_289, 24_576 + 5, 100_003])
    func threeLanePathMatchesIncrementalUpdates(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let whole = CRC32C.checksum(bytes)
        let piecewise = bytes.withUnsafeBytes { raw in
            var crc: UInt32 = 0
            var start = 0
            while start < raw.count {
                let end = min(start + 1000, raw.count)  // below the lane threshold
                crc = CRC32C.update(crc, UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                start = end
            }
            return crc
        }
        #expect(whole == piecewise)
    }
}

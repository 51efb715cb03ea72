import KafkaWire
import NIOCore
import Testing

@Suite struct PrimitivesTests {
    @Test(arguments: [Int32(0), 1, -1, 63, -64, 64, 300, Int32.max, Int32.min])
    func varintRoundTrips(_ value: Int32) throws {
        var buffer = ByteBuffer()
        buffer.writeVarint(value)
        #expect(try buffer.readVarint() == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test func varintUsesZigZag() {
        var buffer = ByteBuffer()
        buffer.writeVarint(-1)
        buffer.writeVarint(1)
        buffer.writeUnsignedVarint(300)
        #expect(Array(buffer.readableBytesView) == [0x01, 0x02, 0xAC, 0x02])
    }

    @Test(arguments: [Int64(0), -1, 1 << 40, Int64.max, Int64.min])
    func varlongRoundTrips(_ value: Int64) throws {
        var buffer = ByteBuffer()
        buffer.writeVarlong(value)
        #expect(try buffer.readVarlong() == value)
    }

    @Test func overlongVarintIsRejected() {
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(throws: KafkaDecodingError.self) { try buffer.readUnsignedVarint() }
    }

    @Test func stringsRoundTripInBothEncodings() throws {
        for compact in [false, true] {
            var buffer = ByteBuffer()
            buffer.writeKafkaNullableString("zamówienie", compact: compact)
            buffer.writeKafkaNullableString(nil, compact: compact)
            #expect(try buffer.readKafkaNullableString(compact: compact) == "zamówienie")
            #expect(try buffer.readKafkaNullableString(compact: compact) == nil)
        }
    }

    @Test func hugeLengthsAreRejectedBeforeAllocation() {
        var strings = ByteBuffer(bytes: [0x7F, 0xFF, 0x41])
        #expect(throws: KafkaDecodingError.self) { try strings.readKafkaString(compact: false) }
        var bytes = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0x00])
        #expect(throws: KafkaDecodingError.self) { try bytes.readKafkaBytes(compact: false) }
        var arrays = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: KafkaDecodingError.self) { try arrays.readKafkaArrayCount(compact: false) }
        var negative = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFE])
        #expect(throws: KafkaDecodingError.self) { try negative.readKafkaArrayCount(compact: false) }
    }

    @Test func uuidPrintsInCanonicalForm() {
        let id = KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0x0011_2233_4455_6677)
        #expect(id.description == "01234567-89ab-cdef-0011-223344556677")
    }
}

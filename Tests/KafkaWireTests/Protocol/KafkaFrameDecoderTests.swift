import KafkaWire
import NIOCore
import Testing

@Suite("Frame decoder: sizes checked from the size field alone")
struct KafkaFrameDecoderTests {
    private let decoder = KafkaFrameDecoder(maximumFrameSize: 1000)

    private func bytes(_ size: Int32, body: Int = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(size)
        buffer.writeRepeatingByte(7, count: body)
        return buffer
    }

    @Test func theSizeIsKnownOnceItsFourBytesArrived() throws {
        #expect(try decoder.frameSize(in: ByteBuffer(bytes: [0, 0, 1])) == nil)
        #expect(try decoder.frameSize(in: bytes(500)) == 500)
        #expect(try decoder.frameSize(in: bytes(1000)) == 1000)
        #expect(try decoder.frameSize(in: bytes(0)) == 0)
    }

    @Test(arguments: [Int32(-1), Int32.min, 1001, Int32.max])
    func anImpossibleSizeIsRefusedBeforeAnyBody(size: Int32) {
        #expect(throws: KafkaFrameDecoder.FrameError.self) { try decoder.frameSize(in: bytes(size)) }
        var buffer = bytes(size)
        #expect(throws: KafkaFrameDecoder.FrameError.self) { try decoder.decode(buffer: &buffer) }
    }

    @Test func decodeCutsWholeFramesOnly() throws {
        var buffer = bytes(3, body: 2)
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeBytes([7, 9])
        #expect(try decoder.decode(buffer: &buffer) == ByteBuffer(bytes: [7, 7, 7]))
        #expect(buffer.readableBytes == 1)
    }
}

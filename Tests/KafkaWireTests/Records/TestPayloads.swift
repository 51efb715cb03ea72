import NIOCore

/// Deterministic inputs for codec and batch tests.
enum TestPayloads {
    /// SplitMix64: reproducible pseudo-random bytes without Foundation.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func random(_ count: Int, seed: UInt64 = 42) -> ByteBuffer {
        var generator = Generator(state: seed)
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        while buffer.readableBytes + 8 <= count { buffer.writeInteger(generator.next()) }
        while buffer.readableBytes < count { buffer.writeInteger(UInt8(truncatingIfNeeded: generator.next())) }
        return buffer
    }

    /// Order-like JSON lines: compresses well, like real topic data.
    static func text(_ count: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count + 128)
        var index = 0
        while buffer.readableBytes < count {
            buffer.writeString(
                #"{"order_id":\#(index),"customer":"c-\#(index % 97)","amount":\#(index % 1000).50,"items":[1,2,3]}"#
            )
            buffer.writeString("\n")
            index += 1
        }
        buffer.moveWriterIndex(to: count)
        return buffer
    }

    static func string(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}

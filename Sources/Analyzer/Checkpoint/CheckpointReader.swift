/// Reads what `CheckpointWriter` wrote; a short or inconsistent blob throws instead of
/// trapping, so a damaged checkpoint is reported, not crashed on.
struct CheckpointReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else {
            throw CheckpointError("the checkpoint ends early (wanted \(count) bytes at \(position) of \(bytes.count))")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func int64() throws -> Int64 {
        let slice = try take(8)
        return slice.reversed().reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    mutating func int32() throws -> Int32 {
        let slice = try take(4)
        return slice.reversed().reduce(Int32(0)) { ($0 << 8) | Int32($1) }
    }

    mutating func int128() throws -> Int128 {
        let low = UInt64(bitPattern: try int64())
        let high = try int64()
        return Int128(high) << 64 | Int128(low)
    }

    mutating func count(limit: Int = 1 << 31) throws -> Int {
        let value = try int64()
        guard value >= 0, value <= Int64(limit) else {
            throw CheckpointError("count \(value) out of range in the checkpoint")
        }
        return Int(value)
    }

    mutating func bool() throws -> Bool {
        try take(1).first! != 0
    }

    mutating func string() throws -> String {
        String(decoding: try take(try count()), as: UTF8.self)
    }

    mutating func byteArray() throws -> [UInt8] {
        Array(try take(try count()))
    }

    mutating func sums() throws -> OrderSums {
        OrderSums(orders: try int64(), units: try int64(), revenueMicros: try int128())
    }

    /// Fingerprints stored as raw little-endian integers back to back.
    static func fingerprints<Fingerprint: FixedWidthInteger>(
        _ blob: [UInt8],
        as type: Fingerprint.Type
    ) throws -> [Fingerprint] {
        let size = MemoryLayout<Fingerprint>.size
        guard blob.count % size == 0 else {
            throw CheckpointError("a fingerprint chunk of \(blob.count) bytes is not a multiple of \(size)")
        }
        return blob.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: size).map {
                Fingerprint(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: Fingerprint.self))
            }
        }
    }
}

import NIOCore

/// `.index` entry: a batch's offset relative to the segment base -> its file position.
/// Kafka's layout: two big-endian u32.
struct OffsetIndexEntry: SparseIndexEntry {
    var relativeOffset: UInt32
    var position: UInt32

    static var size: Int { 8 }
    var key: Int64 { Int64(relativeOffset) }

    init(relativeOffset: UInt32, position: UInt32) {
        self.relativeOffset = relativeOffset
        self.position = position
    }

    init(reading buffer: inout ByteBuffer) {
        relativeOffset = buffer.readInteger(endianness: .big)!
        position = buffer.readInteger(endianness: .big)!
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(relativeOffset, endianness: .big)
        buffer.writeInteger(position, endianness: .big)
    }

    func canFollow(_ previous: OffsetIndexEntry?, logSize: Int) -> Bool {
        guard Int(position) < logSize else { return false }
        guard let previous else { return true }
        return relativeOffset > previous.relativeOffset && position > previous.position
    }
}

/// `.timeindex` entry: the largest timestamp seen so far in the segment -> the relative
/// offset of the batch that carried it. Kafka's layout: big-endian i64 then u32.
struct TimeIndexEntry: SparseIndexEntry {
    var timestamp: Int64
    var relativeOffset: UInt32

    static var size: Int { 12 }
    var key: Int64 { timestamp }

    init(timestamp: Int64, relativeOffset: UInt32) {
        self.timestamp = timestamp
        self.relativeOffset = relativeOffset
    }

    init(reading buffer: inout ByteBuffer) {
        timestamp = buffer.readInteger(endianness: .big)!
        relativeOffset = buffer.readInteger(endianness: .big)!
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(timestamp, endianness: .big)
        buffer.writeInteger(relativeOffset, endianness: .big)
    }

    func canFollow(_ previous: TimeIndexEntry?, logSize: Int) -> Bool {
        guard let previous else { return true }
        return timestamp > previous.timestamp && relativeOffset >= previous.relativeOffset
    }
}

import NIOCore

/// The fixed 61-byte header of a RecordBatch v2 (magic 2).
///
/// Layout (https://kafka.apache.org/documentation/#recordbatch): baseOffset i64,
/// batchLength i32, partitionLeaderEpoch i32, magic i8, crc u32, attributes i16,
/// lastOffsetDelta i32, baseTimestamp i64, maxTimestamp i64, producerID i64,
/// producerEpoch i16, baseSequence i32, recordCount i32. The CRC covers everything from
/// `attributes` to the end of the batch, so `baseOffset` and `partitionLeaderEpoch` can be
/// rewritten by the broker without recomputing it.
public struct RecordBatchHeader: Hashable, Sendable {
    public var baseOffset: Int64
    /// Bytes after the `batchLength` field (the whole batch is `batchLength + 12`).
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: Int16
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerID: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    /// Size of the header in bytes.
    public static let size = 61
    /// Bytes before `batchLength` ends: a batch occupies `batchLength + lengthPrefixSize` bytes.
    public static let lengthPrefixSize = 12
    /// Offset of the first byte covered by the CRC (`attributes`).
    public static let crcCoverageStart = 21

    // Byte offsets of the fields the broker rewrites in place.
    public static let baseOffsetPosition = 0
    public static let partitionLeaderEpochPosition = 12
    public static let crcPosition = 17
    public static let attributesPosition = 21
    public static let lastOffsetDeltaPosition = 23
    public static let maxTimestampPosition = 35

    public init(
        baseOffset: Int64 = 0,
        batchLength: Int32 = 0,
        partitionLeaderEpoch: Int32 = -1,
        magic: Int8 = 2,
        crc: UInt32 = 0,
        attributes: Int16 = 0,
        lastOffsetDelta: Int32 = 0,
        baseTimestamp: Int64 = 0,
        maxTimestamp: Int64 = 0,
        producerID: Int64 = -1,
        producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1,
        recordCount: Int32 = 0
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerID = producerID
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// Total size of the batch on the wire, header included.
    public var totalSize: Int { Int(batchLength) + Self.lengthPrefixSize }
    /// Offset of the last record of the batch.
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    /// The compression codec in attribute bits 0-2.
    public var compressionCodec: Int { Int(attributes & 0x07) }
    public var isTransactional: Bool { attributes & 0x10 != 0 }
    public var isControl: Bool { attributes & 0x20 != 0 }
    public var usesLogAppendTime: Bool { attributes & 0x08 != 0 }

    /// Parses the header at the reader index of `buffer` without moving it.
    /// Returns nil when fewer than 61 bytes are readable.
    ///
    /// Reads the fields straight from the bytes: a produced batch's header is read several
    /// times on its way to the log, and thirteen bounds-checked `getInteger` calls cost more
    /// than the rest of the header work.
    public static func peek(_ buffer: ByteBuffer) -> RecordBatchHeader? {
        guard buffer.readableBytes >= size else { return nil }
        return buffer.withUnsafeReadableBytes { bytes in
            func int<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
                T(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
            }
            return RecordBatchHeader(
                baseOffset: int(0, Int64.self),
                batchLength: int(8, Int32.self),
                partitionLeaderEpoch: int(12, Int32.self),
                magic: int(16, Int8.self),
                crc: int(17, UInt32.self),
                attributes: int(21, Int16.self),
                lastOffsetDelta: int(23, Int32.self),
                baseTimestamp: int(27, Int64.self),
                maxTimestamp: int(35, Int64.self),
                producerID: int(43, Int64.self),
                producerEpoch: int(51, Int16.self),
                baseSequence: int(53, Int32.self),
                recordCount: int(57, Int32.self)
            )
        }
    }

    /// Writes the 61 header bytes. `crc` is written as stored; see `RecordBatchHeader.sealCRC`.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(baseOffset, endianness: .big)
        buffer.writeInteger(batchLength, endianness: .big)
        buffer.writeInteger(partitionLeaderEpoch, endianness: .big)
        buffer.writeInteger(magic, endianness: .big)
        buffer.writeInteger(crc, endianness: .big)
        buffer.writeInteger(attributes, endianness: .big)
        buffer.writeInteger(lastOffsetDelta, endianness: .big)
        buffer.writeInteger(baseTimestamp, endianness: .big)
        buffer.writeInteger(maxTimestamp, endianness: .big)
        buffer.writeInteger(producerID, endianness: .big)
        buffer.writeInteger(producerEpoch, endianness: .big)
        buffer.writeInteger(baseSequence, endianness: .big)
        buffer.writeInteger(recordCount, endianness: .big)
    }

    /// Computes the CRC over the batch starting at `batchStart` in `buffer` (which must hold
    /// the whole batch) and stores it in the header's crc field.
    public static func sealCRC(in buffer: inout ByteBuffer, batchStart: Int, totalSize: Int) {
        let crc = buffer.withUnsafeReadableBytes { bytes -> UInt32 in
            let from = batchStart - buffer.readerIndex + crcCoverageStart
            let slice = UnsafeRawBufferPointer(rebasing: bytes[from..<(batchStart - buffer.readerIndex + totalSize)])
            return CRC32C.update(0, slice)
        }
        buffer.setInteger(crc, at: batchStart + crcPosition, endianness: .big)
    }

    /// Whether the stored CRC matches the bytes of the whole batch at the reader index.
    public static func hasValidCRC(_ batch: ByteBuffer) -> Bool {
        guard let header = peek(batch), header.totalSize <= batch.readableBytes,
            header.totalSize >= size
        else { return false }
        let computed = batch.withUnsafeReadableBytes { bytes in
            CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[crcCoverageStart..<header.totalSize]))
        }
        return computed == header.crc
    }
}

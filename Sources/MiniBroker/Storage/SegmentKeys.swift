import KafkaWire
import NIOCore

/// A segment's key file, `{baseOffset:020}.keys`: for each batch appended to a compacted
/// partition, in order, the keys and offset deltas of its records. The log cleaner's map pass
/// reads it instead of decompressing the segment (a few bytes per record instead of the whole
/// record).
///
/// It is only ever a shortcut: the cleaner uses it for a closed segment only when its entries,
/// each with its own CRC-32C, describe the segment's batches from position 0 to its exact size
/// one after the other; otherwise it decodes the log. The rewrite then checks every batch it
/// reads against what the map pass saw (base offset, size, CRC) and gives the cleaning up on a
/// mismatch. Writers keep it from going stale: it is started only with a segment's first batch,
/// abandoned at the first write that fails, and removed when recovery cuts the segment and
/// before the cleaner swaps the segment out.
///
/// Entry layout (big-endian): u32 length of the body, u32 CRC-32C of the body, then the body:
/// i64 base offset, u32 position, u32 size, u32 batch CRC, u16 attributes, u32 record count,
/// and the records as `BatchKeys` encodes them.
struct SegmentKeys {
    /// One batch the file describes.
    struct Batch {
        let baseOffset: Int64
        let position: Int
        let size: Int
        let crc: UInt32
        let attributes: Int16
        let recordCount: Int
        /// The records' bytes within the file's buffer.
        let records: Range<Int>

        /// The attribute bits of `RecordBatchHeader.isControl` and `isTransactional`.
        var isControl: Bool { attributes & 0x20 != 0 }
        var isTransactional: Bool { attributes & 0x10 != 0 }
    }

    static let suffix = "keys"
    private static let prefixSize = 8
    private static let fixedBodySize = 26

    /// The file's bytes.
    let bytes: ByteBuffer
    let batches: [Batch]

    /// The entry for one appended batch, built in one buffer: the body is written after room
    /// for its length and CRC, which are filled in last.
    static func entry(for keys: BatchKeys, header: RecordBatchHeader, position: Int) -> ByteBuffer {
        var entry = ByteBuffer()
        entry.reserveCapacity(prefixSize + fixedBodySize + keys.encoded.readableBytes)
        entry.moveWriterIndex(forwardBy: prefixSize)
        entry.writeInteger(header.baseOffset)
        entry.writeInteger(UInt32(position))
        entry.writeInteger(UInt32(header.totalSize))
        entry.writeInteger(header.crc)
        entry.writeInteger(header.attributes)
        entry.writeInteger(UInt32(keys.count))
        entry.writeImmutableBuffer(keys.encoded)
        let bodyLength = entry.readableBytes - prefixSize
        let body = entry.getSlice(at: entry.readerIndex + prefixSize, length: bodyLength)!
        entry.setInteger(UInt32(bodyLength), at: entry.readerIndex)
        entry.setInteger(CRC32C.checksum(body), at: entry.readerIndex + 4)
        return entry
    }

    /// The key file of the closed segment `segment`, when it describes the segment exactly;
    /// nil when there is none or it does not (the caller decodes the log instead).
    static func load(for segment: LogSegment) -> SegmentKeys? {
        let path = LogSegment.path(segment.directory, segment.baseOffset, suffix)
        guard FileSystem.fileExists(path),
            let file = try? SegmentFile(path: path, readOnly: true),
            let size = try? file.size(),
            let bytes = try? file.read(at: 0, count: size)
        else { return nil }
        file.close()
        return SegmentKeys(bytes: bytes, segmentSize: segment.size)
    }

    /// Parses and checks `bytes`; nil unless every entry is whole, has a good CRC, and the
    /// batches follow one another from position 0 to `segmentSize`.
    init?(bytes: ByteBuffer, segmentSize: Int) {
        var reader = bytes
        var batches: [Batch] = []
        var position = 0
        while reader.readableBytes > 0 {
            guard let length = reader.readInteger(as: UInt32.self), let crc = reader.readInteger(as: UInt32.self),
                Int(length) >= Self.fixedBodySize, let body = reader.readSlice(length: Int(length)),
                CRC32C.checksum(body) == crc
            else { return nil }
            // Where the body starts in `bytes`' readable bytes, which `records` indexes.
            let start = reader.readerIndex - bytes.readerIndex - Int(length)
            let batch = Batch(
                baseOffset: body.getInteger(at: body.readerIndex)!,
                position: Int(body.getInteger(at: body.readerIndex + 8, as: UInt32.self)!),
                size: Int(body.getInteger(at: body.readerIndex + 12, as: UInt32.self)!),
                crc: body.getInteger(at: body.readerIndex + 16)!,
                attributes: body.getInteger(at: body.readerIndex + 20)!,
                recordCount: Int(body.getInteger(at: body.readerIndex + 22, as: UInt32.self)!),
                records: (start + Self.fixedBodySize)..<(start + Int(length))
            )
            guard batch.position == position, batch.size >= RecordBatchHeader.size else { return nil }
            position += batch.size
            batches.append(batch)
        }
        guard position == segmentSize, !batches.isEmpty else { return nil }
        self.bytes = bytes
        self.batches = batches
    }

    /// Calls `body` with the offset delta and key (nil when null) of each record of `batch`.
    ///
    /// - Throws: `StorageError` `.corruptBatch` when the records do not parse (the entry's
    ///   CRC was good, so only a writer's bug could cause it), or what `body` throws.
    func forEachRecord(of batch: Batch, _ body: (Int32, UnsafeRawBufferPointer?) throws -> Void) throws {
        try bytes.withUnsafeReadableBytes { all in
            let records = UnsafeRawBufferPointer(rebasing: all[batch.records])
            var position = 0
            for _ in 0..<batch.recordCount {
                let delta = try Self.varint(records, &position)
                let length = Int(try Self.varint(records, &position))
                guard length == 0 || position + length - 1 <= records.count else { throw Self.malformed }
                let key =
                    length == 0 ? nil : UnsafeRawBufferPointer(rebasing: records[position..<position + length - 1])
                position += max(0, length - 1)
                try body(Int32(truncatingIfNeeded: delta), key)
            }
            guard position == records.count else { throw Self.malformed }
        }
    }

    private static let malformed = StorageError(.corruptBatch, "a key file entry does not parse")

    private static func varint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) throws -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while position < bytes.count && shift < 35 {
            let byte = bytes[position]
            position += 1
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw malformed
    }
}

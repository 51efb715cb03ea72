import KafkaWire
import NIOCore

/// The transaction coordinator's state on disk: `transaction-state.log` beside the metadata
/// database, an append-only file of records, each a transactional id's whole metadata or
/// the news that the id was forgotten; the last record of an id is its state. This is what
/// Kafka's `__transaction_state` topic is to its coordinator: a transaction changes state two
/// or three times, and one `write` of a few dozen bytes costs far less than a SQLite commit.
///
/// Durability is that of the metadata database (`synchronous=NORMAL`): a record is in the
/// file once `append` returns, so it survives kill -9; a power cut can lose the last ones.
/// A record that was cut short (a crash in the middle of a write, a full disk) fails its
/// CRC: opening the file drops it and everything after it, and a failed append truncates
/// the file back to where it was, so the next append does not land behind a torn record.
/// When the file holds four times what the states need (and at least `compactionBytes`), it
/// is rewritten with the states alone, atomically (temporary file, fsync, rename).
///
/// Record layout, big-endian: u32 body length, u32 CRC-32C of the body, then the body: u8 kind
/// (1 state, 2 forgotten), the id (u16 length, UTF-8) and, for a state, i64 producer id,
/// i16 epoch, i16 last epoch, i32 timeout ms, u8 state, i64 start ms, i64 update ms, u16
/// partition count and per partition the topic (u16 length, UTF-8) and i32 partition, u16
/// group count and per group its id (u16 length, UTF-8), then i64 previous producer id (absent
/// in the records of earlier versions, read as -1).
///
/// Not thread-safe: `MetadataStore` keeps it behind its lock.
final class TransactionStateLog {
    /// The file's name in the data directory.
    static let fileName = "transaction-state.log"
    /// Below this size the file is never rewritten.
    static let compactionBytes = 1 << 20
    private static let stateKind: UInt8 = 1
    private static let forgottenKind: UInt8 = 2
    /// Length and CRC before each body.
    private static let headerSize = 8

    let path: String
    private let directory: String
    private let compactionBytes: Int
    private let file: SegmentFile
    /// Bytes of whole records in the file.
    private(set) var size: Int
    /// Each id's last state.
    private(set) var states: [String: TransactionMetadata]
    /// The size of each id's last record: what a rewrite would keep.
    private var liveBytes = 0
    private var recordSizes: [String: Int] = [:]
    /// Bytes dropped when the file was opened (a torn or damaged tail), for the caller to report.
    private(set) var droppedBytes = 0

    /// Opens (creating) the log at `path` and reads the states in it.
    init(path: String, compactionBytes: Int = TransactionStateLog.compactionBytes) throws {
        self.path = path
        self.directory = Self.directory(of: path)
        self.compactionBytes = compactionBytes
        file = try SegmentFile(path: path)
        states = [:]
        size = 0
        try load()
    }

    /// Appends the states of `transactions`, in one write.
    func append(_ transactions: [TransactionMetadata]) throws {
        var buffer = ByteBuffer()
        var sizes: [Int] = []
        for metadata in transactions {
            let start = buffer.writerIndex
            Self.writeState(metadata, into: &buffer)
            sizes.append(buffer.writerIndex - start)
        }
        try writeAtEnd(buffer)
        for (metadata, recordSize) in zip(transactions, sizes) { remember(metadata, recordSize: recordSize) }
        compactIfLarge()
    }

    /// Records that `ids` are forgotten.
    func forget(_ ids: [String]) throws {
        var buffer = ByteBuffer()
        for id in ids {
            Self.writeRecord(into: &buffer) { body in
                body.writeInteger(Self.forgottenKind)
                Self.writeString(id, into: &body)
            }
        }
        try writeAtEnd(buffer)
        for id in ids { forgetState(of: id) }
        compactIfLarge()
    }

    /// Where the log of the metadata database at `databasePath` is: beside it.
    static func path(besideDatabase databasePath: String) -> String {
        directory(of: databasePath) + "/" + fileName
    }

    /// Writes a new log at `path` holding `transactions`, atomically.
    static func create(at path: String, with transactions: [TransactionMetadata]) throws {
        try FileSystem.writeAtomically(
            Array(encoded(transactions).readableBytesView),
            to: path,
            directory: directory(of: path)
        )
    }

    /// Rewrites the file with each id's state alone.
    func compact() throws {
        let buffer = Self.encoded(Array(states.values))
        // The descriptor held is the replaced file's: the next write opens the file by name.
        defer { file.close() }
        do {
            try FileSystem.writeAtomically(Array(buffer.readableBytesView), to: path, directory: directory)
        } catch {
            // It may have failed after the rename: appends go on from the end of whichever
            // file has the name now.
            file.close()
            size = try file.size()
            throw error
        }
        size = buffer.readableBytes
        liveBytes = size
    }

    /// Compacts when the file holds four times what the states need. A failure leaves the
    /// file as it was, to be compacted at a later append: the records are written already.
    private func compactIfLarge() {
        if size > max(compactionBytes, 4 * liveBytes) { try? compact() }
    }

    /// Writes `buffer` at the end of the file; on failure the file is cut back to its size
    /// before, so no partial record stays.
    private func writeAtEnd(_ buffer: ByteBuffer) throws {
        do {
            try file.write(buffer, at: size)
        } catch {
            try? file.truncate(to: size)
            throw error
        }
        size += buffer.readableBytes
    }

    /// Reads every whole record; a torn or damaged one ends the log there.
    private func load() throws {
        let fileSize = FileSystem.fileSize(path) ?? 0
        guard fileSize > 0 else { return }
        guard let bytes = FileSystem.readSmallFile(path, limit: fileSize), bytes.count == fileSize else {
            throw SegmentFile.failure("read", path)
        }
        var buffer = ByteBuffer(bytes: bytes)
        while let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            let crc = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self),
            var body = buffer.getSlice(at: buffer.readerIndex + Self.headerSize, length: Int(length)),
            CRC32C.checksum(body) == crc,
            apply(&body, recordSize: Self.headerSize + Int(length))
        {
            buffer.moveReaderIndex(forwardBy: Self.headerSize + Int(length))
        }
        size = buffer.readerIndex
        droppedBytes = fileSize - size
        if droppedBytes > 0 { try file.truncate(to: size) }
    }

    /// Applies one record's body; false when it cannot be read.
    private func apply(_ body: inout ByteBuffer, recordSize: Int) -> Bool {
        guard let kind = body.readInteger(as: UInt8.self) else { return false }
        switch kind {
        case Self.stateKind:
            guard let metadata = Self.readMetadata(from: &body) else { return false }
            remember(metadata, recordSize: recordSize)
        case Self.forgottenKind:
            guard let id = Self.readString(from: &body) else { return false }
            forgetState(of: id)
        default:
            return false
        }
        return true
    }

    /// The records of `transactions`, by id.
    private static func encoded(_ transactions: [TransactionMetadata]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for metadata in transactions.sorted(by: { $0.transactionalID < $1.transactionalID }) {
            writeState(metadata, into: &buffer)
        }
        return buffer
    }

    private static func directory(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    }

    private static func writeState(_ metadata: TransactionMetadata, into buffer: inout ByteBuffer) {
        writeRecord(into: &buffer) { body in
            body.writeInteger(stateKind)
            encode(metadata, into: &body)
        }
    }

    /// Makes `metadata` its id's state, written as a record of `recordSize` bytes.
    private func remember(_ metadata: TransactionMetadata, recordSize: Int) {
        states[metadata.transactionalID] = metadata
        liveBytes += recordSize - (recordSizes.updateValue(recordSize, forKey: metadata.transactionalID) ?? 0)
    }

    private func forgetState(of id: String) {
        states[id] = nil
        liveBytes -= recordSizes.removeValue(forKey: id) ?? 0
    }

    /// Writes the length and CRC framing around the body `write` adds.
    private static func writeRecord(into buffer: inout ByteBuffer, _ write: (inout ByteBuffer) -> Void) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(0))
        write(&buffer)
        let length = buffer.writerIndex - start - headerSize
        let body = buffer.getSlice(at: start + headerSize, length: length) ?? ByteBuffer()
        buffer.setInteger(UInt32(length), at: start)
        buffer.setInteger(CRC32C.checksum(body), at: start + 4)
    }

    private static func encode(_ metadata: TransactionMetadata, into buffer: inout ByteBuffer) {
        writeString(metadata.transactionalID, into: &buffer)
        buffer.writeInteger(metadata.producerID)
        buffer.writeInteger(metadata.producerEpoch)
        buffer.writeInteger(metadata.lastProducerEpoch)
        buffer.writeInteger(metadata.timeoutMs)
        buffer.writeInteger(UInt8(metadata.state.rawValue))
        buffer.writeInteger(metadata.startTimeMs)
        buffer.writeInteger(metadata.updateTimeMs)
        buffer.writeInteger(UInt16(metadata.partitions.count))
        for partition in metadata.partitions.sorted() {
            writeString(partition.topic, into: &buffer)
            buffer.writeInteger(partition.partition)
        }
        buffer.writeInteger(UInt16(metadata.groups.count))
        for group in metadata.groups.sorted() {
            writeString(group, into: &buffer)
        }
        buffer.writeInteger(metadata.previousProducerID)
    }

    private static func readMetadata(from buffer: inout ByteBuffer) -> TransactionMetadata? {
        guard let id = readString(from: &buffer),
            let producerID = buffer.readInteger(as: Int64.self),
            let epoch = buffer.readInteger(as: Int16.self),
            let lastEpoch = buffer.readInteger(as: Int16.self),
            let timeout = buffer.readInteger(as: Int32.self),
            let rawState = buffer.readInteger(as: UInt8.self),
            let state = TransactionState(rawValue: Int(rawState)),
            let start = buffer.readInteger(as: Int64.self),
            let update = buffer.readInteger(as: Int64.self),
            let partitionCount = buffer.readInteger(as: UInt16.self)
        else { return nil }
        var partitions: Set<KafkaTopicPartition> = []
        for _ in 0..<partitionCount {
            guard let topic = readString(from: &buffer), let partition = buffer.readInteger(as: Int32.self) else {
                return nil
            }
            partitions.insert(KafkaTopicPartition(topic: topic, partition: partition))
        }
        guard let groupCount = buffer.readInteger(as: UInt16.self) else { return nil }
        var groups: Set<String> = []
        for _ in 0..<groupCount {
            guard let group = readString(from: &buffer) else { return nil }
            groups.insert(group)
        }
        let previousProducerID = buffer.readableBytes == 0 ? -1 : buffer.readInteger(as: Int64.self)
        guard let previousProducerID, buffer.readableBytes == 0 else { return nil }
        return TransactionMetadata(
            transactionalID: id,
            producerID: producerID,
            producerEpoch: epoch,
            lastProducerEpoch: lastEpoch,
            previousProducerID: previousProducerID,
            timeoutMs: timeout,
            state: state,
            partitions: partitions,
            groups: groups,
            startTimeMs: start,
            updateTimeMs: update
        )
    }

    private static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(string.utf8.count))
        buffer.writeString(string)
    }

    private static func readString(from buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt16.self) else { return nil }
        return buffer.readString(length: Int(length))
    }
}

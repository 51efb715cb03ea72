import KafkaWire
import NIOCore

/// The aborted transactions on disk: `aborted-transactions` in the partition directory,
/// replaced whole and atomically (temporary file, fsync, rename, directory fsync) each time an
/// ABORT marker adds an entry or the log start prunes some, as `cleaner-checkpoint` is.
/// Aborts are rare and the list is pruned with the log, so rewriting it costs little, and a
/// crash leaves the old list or the new one, never a torn one.
///
/// Layout, big-endian: u8 format version (1), u32 entry count, per entry i64 producer id,
/// i64 first offset, i64 last offset (the marker's) and i64 last stable offset after the
/// marker, then a u32 CRC-32C of all the bytes before it.
extension AbortedTransactions {
    /// The file's name in the partition directory.
    static let fileName = "aborted-transactions"
    private static let formatVersion: UInt8 = 1
    private static let entrySize = 32
    /// Version and count before the entries, CRC after them.
    private static let framingSize = 1 + 4 + 4

    /// What `read` found.
    enum Stored: Equatable {
        /// No file: no transaction of this partition was aborted since its producer snapshot
        /// began to carry transactions (the file is written before the marker's append returns).
        case missing
        /// A file that is not a whole list of this format: the list is rebuilt from the log.
        case damaged
        /// A whole list.
        case found(AbortedTransactions)

        /// Whether the file already holds `list`: no file stands for an empty list.
        func matches(_ list: AbortedTransactions) -> Bool {
            switch self {
            case .missing: list.entries.isEmpty
            case .damaged: false
            case .found(let stored): stored == list
            }
        }
    }

    /// The list saved in `directory`.
    static func read(directory: String) -> Stored {
        let path = directory + "/" + fileName
        guard FileSystem.fileExists(path) else { return .missing }
        guard let size = FileSystem.fileSize(path), size >= framingSize,
            let bytes = FileSystem.readSmallFile(path, limit: size), bytes.count == size
        else { return .damaged }
        return decode(bytes).map { .found($0) } ?? .damaged
    }

    /// Saves the list in `directory`, durably.
    func write(directory: String) throws {
        try FileSystem.writeAtomically(encoded(), to: directory + "/" + Self.fileName, directory: directory)
    }

    /// The file's bytes for this list.
    func encoded() -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Self.framingSize + entries.count * Self.entrySize)
        buffer.writeInteger(Self.formatVersion)
        buffer.writeInteger(UInt32(entries.count))
        for entry in entries {
            buffer.writeInteger(entry.transaction.producerID)
            buffer.writeInteger(entry.transaction.firstOffset)
            buffer.writeInteger(entry.transaction.lastOffset)
            buffer.writeInteger(entry.lastStableOffset)
        }
        buffer.writeInteger(CRC32C.checksum(buffer))
        return Array(buffer.readableBytesView)
    }

    /// The list in `bytes`; nil unless they are exactly one whole list with a matching CRC and
    /// entries in marker order.
    static func decode(_ bytes: [UInt8]) -> AbortedTransactions? {
        var buffer = ByteBuffer(bytes: bytes)
        let body = buffer.getSlice(at: 0, length: max(0, bytes.count - 4)) ?? ByteBuffer()
        guard buffer.readInteger(as: UInt8.self) == formatVersion,
            let count = buffer.readInteger(as: UInt32.self),
            bytes.count == framingSize + Int(count) * entrySize,
            buffer.getInteger(at: bytes.count - 4, as: UInt32.self) == CRC32C.checksum(body)
        else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let producerID = buffer.readInteger(as: Int64.self),
                let firstOffset = buffer.readInteger(as: Int64.self),
                let lastOffset = buffer.readInteger(as: Int64.self),
                let lastStableOffset = buffer.readInteger(as: Int64.self),
                lastOffset > entries.last?.transaction.lastOffset ?? Int64.min
            else { return nil }
            let transaction = AbortedTransaction(
                producerID: producerID,
                firstOffset: firstOffset,
                lastOffset: lastOffset
            )
            entries.append(Entry(transaction: transaction, lastStableOffset: lastStableOffset))
        }
        return AbortedTransactions(entries: entries)
    }
}

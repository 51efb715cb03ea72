import NIOCore

/// The table encoded for the metadata store: a format version byte, then per producer its
/// id, epoch, last timestamp, coordinator epoch, the first offset of its open transaction (-1
/// for none) and recent batches, big-endian. A snapshot of another version is not read: the
/// state is rebuilt from the log, which holds every batch and marker the snapshot describes.
///
/// Versions: 1 without the last timestamp, 2 without the coordinator epoch and the open
/// transaction, 3 with them.
extension ProducerStateTable {
    static let snapshotVersion: UInt8 = 3

    func encoded() -> [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: 16 + producers.count * 64)
        buffer.writeInteger(Self.snapshotVersion)
        buffer.writeInteger(UInt32(producers.count), endianness: .big)
        for (id, producer) in producers.sorted(by: { $0.key < $1.key }) {
            buffer.writeInteger(id, endianness: .big)
            buffer.writeInteger(producer.epoch, endianness: .big)
            buffer.writeInteger(producer.lastTimestamp, endianness: .big)
            buffer.writeInteger(producer.coordinatorEpoch, endianness: .big)
            buffer.writeInteger(openTransactions[id] ?? -1, endianness: .big)
            buffer.writeInteger(UInt8(producer.recentBatches.count))
            for batch in producer.recentBatches {
                buffer.writeInteger(batch.firstSequence, endianness: .big)
                buffer.writeInteger(batch.lastSequence, endianness: .big)
                buffer.writeInteger(batch.baseOffset, endianness: .big)
                buffer.writeInteger(batch.lastOffset, endianness: .big)
            }
        }
        return Array(buffer.readableBytesView)
    }

    /// Decodes a snapshot; nil when it is from another format version or cut short, in
    /// which case the state is rebuilt from the log instead.
    init?(decoding bytes: [UInt8]) {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        guard buffer.readInteger(as: UInt8.self) == Self.snapshotVersion,
            let count = buffer.readInteger(endianness: .big, as: UInt32.self)
        else { return nil }
        var producers: [Int64: Producer] = [:]
        var openTransactions: [Int64: Int64] = [:]
        for _ in 0..<count {
            guard let id = buffer.readInteger(endianness: .big, as: Int64.self),
                let epoch = buffer.readInteger(endianness: .big, as: Int16.self),
                let lastTimestamp = buffer.readInteger(endianness: .big, as: Int64.self),
                let coordinatorEpoch = buffer.readInteger(endianness: .big, as: Int32.self),
                let transactionFirstOffset = buffer.readInteger(endianness: .big, as: Int64.self),
                let batchCount = buffer.readInteger(as: UInt8.self)
            else { return nil }
            var batches: [BatchRecord] = []
            for _ in 0..<batchCount {
                guard let first = buffer.readInteger(endianness: .big, as: Int32.self),
                    let last = buffer.readInteger(endianness: .big, as: Int32.self),
                    let base = buffer.readInteger(endianness: .big, as: Int64.self),
                    let lastOffset = buffer.readInteger(endianness: .big, as: Int64.self)
                else { return nil }
                batches.append(
                    BatchRecord(firstSequence: first, lastSequence: last, baseOffset: base, lastOffset: lastOffset)
                )
            }
            producers[id] = Producer(
                epoch: epoch,
                recentBatches: batches,
                lastTimestamp: lastTimestamp,
                coordinatorEpoch: coordinatorEpoch
            )
            if transactionFirstOffset >= 0 { openTransactions[id] = transactionFirstOffset }
        }
        self.init(producers: producers, openTransactions: openTransactions)
    }
}

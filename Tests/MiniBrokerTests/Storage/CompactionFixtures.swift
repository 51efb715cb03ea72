import KafkaWire
import NIOCore

@testable import MiniBroker

/// One record of a keyed test batch; a nil value makes a tombstone.
struct KeyedRecord: Equatable {
    var key: String?
    var value: String?
}

/// A RecordBatch v2 of keyed records, encoded as a producer would; `attributes` 0x10 makes it
/// transactional.
func keyedBatch(
    _ records: [KeyedRecord],
    timestamp: Int64 = 1_000,
    codec: CompressionCodec = .none,
    producerID: Int64 = -1,
    epoch: Int16 = -1,
    sequence: Int32 = -1,
    attributes: Int16 = 0
) -> ByteBuffer {
    let header = RecordBatchHeader(
        attributes: attributes,
        baseTimestamp: timestamp,
        producerID: producerID,
        producerEpoch: epoch,
        baseSequence: sequence
    )
    let encoded = records.enumerated().map { index, record in
        Record(
            timestampDelta: 0,
            offsetDelta: Int32(index),
            key: record.key.map { ByteBuffer(string: $0) },
            value: record.value.map { ByteBuffer(string: $0) }
        )
    }
    return try! RecordBatch.encode(header: header, records: encoded, codec: codec)
}

/// A record as read back from the log.
struct StoredRecord: Equatable {
    var offset: Int64
    var key: String?
    var value: String?
}

/// Every batch header and record of the log, from its start to its end, decoded.
func storedContents(_ log: PartitionLog) throws -> (headers: [RecordBatchHeader], records: [StoredRecord]) {
    var headers: [RecordBatchHeader] = []
    var records: [StoredRecord] = []
    var offset = log.logStartOffset
    while offset < log.logEndOffset {
        var bytes = try log.read(from: offset, maxBytes: 1 << 20)
        guard bytes.readableBytes > 0 else { break }
        while bytes.readableBytes > 0 {
            let batch = try RecordBatch.decode(from: &bytes)
            headers.append(batch.header)
            for record in batch.records {
                records.append(
                    StoredRecord(
                        offset: batch.header.baseOffset + Int64(record.offsetDelta),
                        key: record.key.map { String(buffer: $0) },
                        value: record.value.map { String(buffer: $0) }
                    )
                )
            }
            // Offsets only grow in a log; a log that goes back would loop forever here.
            guard batch.header.lastOffset + 1 > offset else {
                throw StorageError(.corruptBatch, "batch \(batch.header.baseOffset) goes back from offset \(offset)")
            }
            offset = batch.header.lastOffset + 1
        }
    }
    return (headers, records)
}

/// What was appended, to check a compacted log against: every record by offset, and the
/// newest offset of each key.
struct CompactionModel {
    var records: [Int64: StoredRecord] = [:]
    var newest: [String: Int64] = [:]
    /// Deterministic pseudo-random numbers (SplitMix64).
    var seed: UInt64

    init(seed: UInt64 = 42) {
        self.seed = seed
    }

    mutating func random(_ bound: Int) -> Int {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var z = seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    mutating func noteAppended(_ batch: [KeyedRecord], at base: Int64) {
        for (index, record) in batch.enumerated() {
            let offset = base + Int64(index)
            records[offset] = StoredRecord(offset: offset, key: record.key, value: record.value)
            if let key = record.key { newest[key] = offset }
        }
    }

    /// Appends `count` batches of 1-4 records over `keys` keys, about one record in
    /// `tombstoneEvery` a tombstone (0: none).
    mutating func appendWorkload(
        to log: PartitionLog,
        batches count: Int,
        keys: Int,
        prefix: String = "key",
        tombstoneEvery: Int = 0,
        timestamp: Int64 = 1_000,
        codec: CompressionCodec = .none,
        keyFiles: Bool = true
    ) throws {
        for _ in 0..<count {
            let batch = (0..<(1 + random(4))).map { _ in
                let key = "\(prefix)-\(random(keys))"
                let tombstone = tombstoneEvery > 0 && random(tombstoneEvery) == 0
                return KeyedRecord(key: key, value: tombstone ? nil : "value-\(random(1_000_000))-" + key)
            }
            // As the produce path does on a compacted topic: the keys go to the key files.
            let bytes = keyedBatch(batch, timestamp: timestamp, codec: codec)
            let keys = keyFiles && log.configuration.cleanupPolicy.compacts ? try BatchKeys(of: bytes) : nil
            let result = try log.append(bytes, keys: keys)
            noteAppended(batch, at: result.baseOffset)
        }
    }

    /// What is wrong with `stored` as a compaction of the model: a record that was never
    /// appended at its offset, or a key's newest record missing (tombstones may be missing when
    /// `tombstonesMayGo`), or, below `cleanedUpTo`, a key twice.
    func problems(in stored: [StoredRecord], cleanedUpTo: Int64 = 0, tombstonesMayGo: Bool = false) -> [String] {
        var problems: [String] = []
        var seen: Set<Int64> = []
        var keysInCleanedPart: Set<String> = []
        for record in stored {
            if records[record.offset] != record { problems.append("offset \(record.offset) holds \(record)") }
            seen.insert(record.offset)
            if record.offset < cleanedUpTo, let key = record.key, !keysInCleanedPart.insert(key).inserted {
                problems.append("key \(key) appears twice below \(cleanedUpTo), again at \(record.offset)")
            }
        }
        for (key, offset) in newest where !seen.contains(offset) {
            let isTombstone = records[offset]?.value == nil
            if !(isTombstone && tombstonesMayGo) { problems.append("newest record of \(key) at \(offset) is missing") }
        }
        return problems
    }
}

/// Files of the partition directory with a compaction suffix or the swap plan: none may stay
/// after a cleaning or an open.
func compactionLeftovers(_ log: PartitionLog) throws -> [String] {
    try FileSystem.contents(of: log.directory).filter {
        $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") || $0.hasSuffix(".deleted") || $0.hasSuffix(".tmp")
            || $0 == SwapPlan.fileName
    }
}

extension BrokerConfiguration {
    /// Small segments, a compacted topic and no throttle.
    static func compactionTest(
        segmentBytes: Int = 1_024,
        policy: CleanupPolicy = .compact
    ) -> BrokerConfiguration {
        var configuration = BrokerConfiguration.storageTest(segmentBytes: segmentBytes)
        configuration.cleanupPolicy = policy
        configuration.cleanerIOBytesPerSecond = 0
        return configuration
    }
}

extension PartitionLog {
    /// Base offset of the active segment: where the cleanable part of the log ends at most.
    var activeBaseOffset: Int64 { state.withLock { $0.active.baseOffset } }
}

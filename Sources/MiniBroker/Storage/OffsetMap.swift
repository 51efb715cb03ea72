#if canImport(Glibc)
import Glibc
#endif

/// Key -> offset of its newest record in the dirty part of a partition: what the log cleaner
/// builds before it rewrites the log (Kafka's `SkimpyOffsetMap`).
///
/// Keys are compared exactly, by their bytes, not by a hash of them as Kafka does (MD5, 16
/// bytes per key): a hash collision would make the cleaner drop the newest value of a key,
/// which must never happen, and the map's memory stays bounded anyway because a cleaning
/// that fills it stops at the end of that segment and leaves the rest to the next round
/// (`isFull`). The price is memory for long keys, which `estimatedBytes` counts.
///
/// An open-addressing table over flat arrays: the key bytes sit end to end in one arena, so
/// a lookup (one per record mapped) allocates nothing and touches few cache lines. Each entry
/// has a stable index (`Entry`) that the cleaner keeps per record to decide later, without
/// reading the key again, whether that record is its key's newest.
struct OffsetMap {
    /// Bytes a cleaning's map may take before it stops adding segments (Kafka's
    /// `log.cleaner.dedupe.buffer.size` is 128 MiB for all cleaner threads).
    static let defaultMemoryLimit = 64 * 1_048_576
    /// Per-entry cost beyond the key bytes: offset, key position and length, hash, and two
    /// table slots (the table is kept at most half full).
    static let entryOverhead = 48

    /// An entry's index, stable for the map's life.
    typealias Entry = Int32

    /// Per slot: 0 when empty, else the entry's index + 1 in the low 32 bits and the top 32
    /// bits of its hash in the high ones, so most mismatches are settled in the table.
    private var slots = [UInt64](repeating: 0, count: 1024)
    /// By entry index; one cache line holds what a lookup needs besides the key's bytes.
    private var stored: [Stored] = []
    private var keyBytes: [UInt8] = []
    /// Per map, so keys chosen to collide under one run's hash do not collide under the next.
    private let seed = UInt64.random(in: 1...UInt64.max)
    private(set) var estimatedBytes = 0
    let memoryLimit: Int

    private struct Stored {
        var offset: Int64
        let hash: UInt64
        let keyStart: Int
        let keyLength: Int
    }

    init(memoryLimit: Int = defaultMemoryLimit) {
        self.memoryLimit = memoryLimit
    }

    var count: Int { stored.count }
    /// Whether the map reached its memory limit: no further segment should be added.
    var isFull: Bool { estimatedBytes >= memoryLimit }

    /// Records `offset` as the newest for `key` (offsets arrive in increasing order) and
    /// returns the key's entry.
    @discardableResult
    mutating func put(_ key: UnsafeRawBufferPointer, offset: Int64) -> Entry {
        let hash = Self.hash(key, seed: seed)
        let (slot, found) = find(key, hash: hash)
        if let found {
            stored[Int(found)].offset = offset
            return found
        }
        let entry = Entry(stored.count)
        stored.append(Stored(offset: offset, hash: hash, keyStart: keyBytes.count, keyLength: key.count))
        keyBytes.append(contentsOf: key)
        slots[slot] = Self.slotValue(entry: entry, hash: hash)
        estimatedBytes += key.count + Self.entryOverhead
        if stored.count * 2 > slots.count { grow() }
        return entry
    }

    /// The newest offset of `key` in the mapped range, nil when the key is not there.
    func newestOffset(of key: UnsafeRawBufferPointer) -> Int64? {
        find(key, hash: Self.hash(key, seed: seed)).entry.map { stored[Int($0)].offset }
    }

    /// The newest offset of the key of `entry` (from `put`).
    func newestOffset(of entry: Entry) -> Int64 {
        stored[Int(entry)].offset
    }

    /// The slot holding `key`'s entry, or the empty slot where it would go.
    private func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (slot: Int, entry: Entry?) {
        let mask = slots.count - 1
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let value = slots[slot]
            if value == 0 { return (slot, nil) }
            if value >> 32 == tag {
                let entry = Entry(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                if keyEquals(stored[Int(entry)], key) { return (slot, entry) }
            }
            slot = (slot + 1) & mask
        }
    }

    private func keyEquals(_ entry: Stored, _ key: UnsafeRawBufferPointer) -> Bool {
        guard entry.keyLength == key.count else { return false }
        guard key.count > 0 else { return true }
        return keyBytes.withUnsafeBytes { bytes in
            memcmp(bytes.baseAddress! + entry.keyStart, key.baseAddress!, key.count) == 0
        }
    }

    /// Doubles the table and places every entry again from its stored hash.
    private mutating func grow() {
        var table = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = table.count - 1
        for entry in 0..<stored.count {
            let hash = stored[entry].hash
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = Self.slotValue(entry: Entry(entry), hash: hash)
        }
        slots = table
    }

    private static func slotValue(entry: Entry, hash: UInt64) -> UInt64 {
        (hash >> 32) << 32 | UInt64(entry + 1)
    }

    /// A fast seeded 64-bit hash of the key's bytes, eight at a time. Its quality decides only
    /// the speed of lookups, never their result: keys are compared byte for byte.
    static func hash(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var state = seed ^ (UInt64(key.count) &* 0x9E37_79B9_7F4A_7C15)
        var position = 0
        while position + 8 <= key.count {
            state = mix(state ^ key.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
        }
        if position < key.count {
            var tail: UInt64 = 0
            for index in position..<key.count { tail = tail << 8 | UInt64(key[index]) }
            state = mix(state ^ tail)
        }
        return mix(state)
    }

    /// SplitMix64's finalizer: every input bit affects every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

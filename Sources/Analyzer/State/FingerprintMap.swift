/// A hash map keyed by fingerprints (64 or 128-bit hashes) in flat arrays with linear probing.
///
/// The keys already are uniformly mixed hashes, so their low bits pick the slot directly: no
/// `Hasher` per lookup, and no per-entry metadata beyond the key. 0 marks an empty slot; a key
/// that is 0 is stored as 1 (one more value in 2^64 that collides, which changes nothing in
/// practice).
struct FingerprintMap<Fingerprint: FixedWidthInteger & UnsignedInteger, Value> {
    private var keys: [Fingerprint]
    private var values: [Value?]
    private var mask: Int
    /// Number of entries.
    private(set) var count = 0

    /// An empty map; it doubles whenever it is three quarters full.
    init() {
        let size = 16
        keys = [Fingerprint](repeating: 0, count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func stored(_ key: Fingerprint) -> Fingerprint {
        key == 0 ? 1 : key
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: Fingerprint) -> Int {
        keys.withUnsafeBufferPointer { keys in
            var index = Int(truncatingIfNeeded: key) & mask
            while keys[index] != key && keys[index] != 0 { index = (index + 1) & mask }
            return index
        }
    }

    /// The value stored for `key`.
    @inline(__always)
    subscript(key: Fingerprint) -> Value? {
        values[probe(Self.stored(key))]
    }

    /// Adds `key` with `value` unless the key is there; false when it was (the value stays).
    @inline(__always) @discardableResult
    mutating func insert(_ key: Fingerprint, _ value: Value) -> Bool {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let stored = Self.stored(key)
        let index = probe(stored)
        guard keys[index] == 0 else { return false }
        keys[index] = stored
        values[index] = value
        count += 1
        return true
    }

    /// Whether `key` is in the map.
    @inline(__always)
    func contains(_ key: Fingerprint) -> Bool {
        keys[probe(Self.stored(key))] != 0
    }

    /// The keys, in no particular order.
    var allKeys: [Fingerprint] { keys.filter { $0 != 0 } }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = [Fingerprint](repeating: 0, count: oldKeys.count * 2)
        values = [Value?](repeating: nil, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (index, key) in oldKeys.enumerated() where key != 0 { insert(key, oldValues[index]!) }
    }
}

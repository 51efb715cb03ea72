/// A set of fingerprints (64 or 128-bit hashes): a `FingerprintMap` without values, so sets
/// of millions of ids cost 8 or 16 bytes a slot and no `Hasher` per lookup.
struct FingerprintSet<Fingerprint: FixedWidthInteger & UnsignedInteger> {
    private var map: FingerprintMap<Fingerprint, Void>

    /// An empty set.
    init() {
        map = FingerprintMap()
    }

    /// Number of fingerprints.
    var count: Int { map.count }

    /// Adds a fingerprint; false when it was already there.
    @inline(__always) @discardableResult
    mutating func insert(_ fingerprint: Fingerprint) -> Bool {
        map.insert(fingerprint, ())
    }

    /// Whether the fingerprint is in the set.
    @inline(__always)
    func contains(_ fingerprint: Fingerprint) -> Bool {
        map.contains(fingerprint)
    }

    /// The fingerprints, in no particular order.
    var elements: [Fingerprint] { map.allKeys }

    /// Adds every fingerprint of `other`.
    mutating func formUnion<S: Sequence>(_ other: S) where S.Element == Fingerprint {
        for fingerprint in other { insert(fingerprint) }
    }
}

extension FingerprintSet: Equatable {
    static func == (lhs: FingerprintSet, rhs: FingerprintSet) -> Bool {
        lhs.count == rhs.count && lhs.elements.allSatisfy(rhs.contains)
    }
}

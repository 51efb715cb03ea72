/// Chooses partitions for keyed records the way Kafka's Java producer does, so records with the
/// same key land in the same partition whichever client wrote them: murmur2 of the key bytes
/// (seed 0x9747b28c), sign bit masked off, modulo the partition count.
public enum KafkaPartitioner {
    /// The partition for `key` among `partitionCount` partitions.
    public static func partition(forKey key: UnsafeRawBufferPointer, partitionCount: Int) -> Int32 {
        Int32((murmur2(key) & 0x7fff_ffff) % Int32(partitionCount))
    }

    /// The partition for `key` among `partitionCount` partitions.
    public static func partition(forKey key: [UInt8], partitionCount: Int) -> Int32 {
        key.withUnsafeBytes { partition(forKey: $0, partitionCount: partitionCount) }
    }

    /// MurmurHash2 (32-bit), as Kafka's `Utils.murmur2` computes it: little-endian 4-byte
    /// words, tail bytes mixed last, seed 0x9747b28c.
    public static func murmur2(_ data: UnsafeRawBufferPointer) -> Int32 {
        let m: UInt32 = 0x5bd1_e995
        let length = data.count
        var hash: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        let words = length / 4
        for index in 0..<words {
            let base = index * 4
            var k =
                UInt32(data[base]) | UInt32(data[base + 1]) << 8 | UInt32(data[base + 2]) << 16
                | UInt32(data[base + 3]) << 24
            k &*= m
            k ^= k >> 24
            k &*= m
            hash &*= m
            hash ^= k
        }
        let tail = words * 4
        let remaining = length & 3
        if remaining == 3 { hash ^= UInt32(data[tail + 2]) << 16 }
        if remaining >= 2 { hash ^= UInt32(data[tail + 1]) << 8 }
        if remaining >= 1 {
            hash ^= UInt32(data[tail])
            hash &*= m
        }
        hash ^= hash >> 13
        hash &*= m
        hash ^= hash >> 15
        return Int32(bitPattern: hash)
    }

    /// MurmurHash2 of a byte array.
    public static func murmur2(_ data: [UInt8]) -> Int32 {
        data.withUnsafeBytes { murmur2($0) }
    }
}

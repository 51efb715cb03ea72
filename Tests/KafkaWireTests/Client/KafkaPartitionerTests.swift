import Testing

@testable import KafkaWire

@Suite("murmur2 partitioning, as Kafka's Java client")
struct KafkaPartitionerTests {
    /// Vectors from Kafka's `UtilsTest.testMurmur2`.
    static let javaVectors: [(String, Int32)] = [
        ("21", -973_932_308),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
    ]

    @Test("murmur2 matches Utils.murmur2", arguments: javaVectors)
    func murmur2(key: String, expected: Int32) {
        #expect(KafkaPartitioner.murmur2(Array(key.utf8)) == expected)
    }

    /// Java: `Utils.toPositive(Utils.murmur2(key)) % numPartitions`, toPositive = `& 0x7fffffff`.
    @Test("partition = (murmur2 & 0x7fffffff) % count", arguments: javaVectors)
    func partitionChoice(key: String, hash: Int32) {
        for count in [1, 2, 3, 7, 12, 100] {
            let expected = Int32((Int64(hash) & 0x7fff_ffff) % Int64(count))
            #expect(KafkaPartitioner.partition(forKey: Array(key.utf8), partitionCount: count) == expected)
        }
    }

    @Test("known partitions of three")
    func knownPartitions() {
        // (murmur2 & 0x7fffffff) % 3 worked out from the Java vectors: 1357151166 % 3 = 0 etc.
        #expect(KafkaPartitioner.partition(forKey: Array("foobar".utf8), partitionCount: 3) == 0)
        #expect(KafkaPartitioner.partition(forKey: Array("abc".utf8), partitionCount: 3) == Int32(479_470_107 % 3))
    }

    @Test("empty key hashes like Java's empty array")
    func emptyKey() {
        // Derived by hand: h = seed ^ 0, no words, no tail, then the final mix.
        var h: UInt32 = 0x9747_b28c
        h ^= h >> 13
        h &*= 0x5bd1_e995
        h ^= h >> 15
        #expect(KafkaPartitioner.murmur2([]) == Int32(bitPattern: h))
    }
}

import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

/// The spliced Fetch encoding (fields from the codec, records as file regions) must produce
/// exactly the bytes the generated codec writes for the same response with the records inline.
@Suite struct FetchResultTests {
    @Test(arguments: Array(Int16(4)...Int16(12)))
    func splicedEncodingMatchesTheCodec(version: Int16) throws {
        let path = "/tmp/aseed-fetch-result-\(getpid())-\(version)"
        let fileBytes = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        #expect(file >= 0)
        defer { unlink(path) }
        _ = fileBytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        close(file)

        // Two topics; partitions with records, without records, and with an error.
        let regions: [[(position: Int, length: Int)?]] = [[(0, 100), nil, (250, 350)], [(100, 150)]]
        var inline = FetchResponse(throttleTimeMs: 5, errorCode: 0, sessionId: 0)
        var result = FetchResult(response: FetchResponse(throttleTimeMs: 5, errorCode: 0, sessionId: 0))
        for (topicIndex, topicRegions) in regions.enumerated() {
            var inlinePartitions: [FetchResponse.PartitionData] = []
            var splicedPartitions: [FetchResponse.PartitionData] = []
            var slices: [FileSlice] = []
            for (index, region) in topicRegions.enumerated() {
                var partition = FetchResponse.PartitionData(
                    partitionIndex: Int32(index),
                    errorCode: region == nil ? 1 : 0,
                    highWatermark: 42,
                    lastStableOffset: 42,
                    logStartOffset: 3,
                    abortedTransactions: nil,
                    preferredReadReplica: -1
                )
                splicedPartitions.append(partition)
                if let region {
                    partition.records = ByteBuffer(
                        bytes: fileBytes[region.position..<(region.position + region.length)]
                    )
                    slices.append(
                        FileSlice(descriptor: open(path, O_RDONLY), position: region.position, length: region.length)
                    )
                } else {
                    partition.records = ByteBuffer()
                    slices.append(.empty)
                }
                inlinePartitions.append(partition)
            }
            inline.responses.append(.init(topic: "topic-\(topicIndex)", partitions: inlinePartitions))
            result.response.responses.append(.init(topic: "topic-\(topicIndex)", partitions: splicedPartitions))
            result.slices.append(slices)
        }

        let context = RequestContext(
            apiKey: .fetch,
            apiVersion: version,
            correlationID: 77,
            clientID: nil,
            clientHost: "test"
        )
        let expected = ResponseFrame.encode(inline, for: context, allocator: ByteBufferAllocator())
        var actual = ByteBuffer()
        for part in result.encode(for: context, allocator: ByteBufferAllocator()).parts {
            switch part {
            case .byteBuffer(var buffer):
                actual.writeBuffer(&buffer)
            case .fileRegion(let region):
                actual.writeBytes(fileBytes[region.readerIndex..<region.endIndex])
                try region.fileHandle.close()
            }
        }
        #expect(Array(actual.readableBytesView) == Array(expected.readableBytesView))
    }
}

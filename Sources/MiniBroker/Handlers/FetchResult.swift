import KafkaWire
import NIOCore

/// A Fetch response whose records stay in the segment files until they are written: the
/// response's partitions carry no records, `slices[topic][partition]` says where they are.
struct FetchResult: Sendable {
    var response: FetchResponse
    var slices: [[FileSlice]] = []
    /// Record bytes in all slices.
    var bytes = 0

    /// Closes the slices' descriptors when the result is dropped unsent (to fetch again).
    func discard() {
        for topic in slices { for slice in topic { slice.discard() } }
    }

    /// The response frame: buffers for the Kafka fields, file regions for the records.
    ///
    /// The fields are written with the generated codec; a partition is encoded without its
    /// records, which is `records` last with a null marker (INT32 -1, or compact 0 and an
    /// empty tagged-field section in flexible versions, since we set no tagged fields). The
    /// marker is replaced by the real length, the records follow as a file region. This
    /// relies on `Records` being PartitionData's last field, true for every version we serve
    /// (4-12); a unit test compares the result with the codec's own encoding.
    func encode(for context: RequestContext, allocator: ByteBufferAllocator) -> ResponseBytes {
        let version = context.apiVersion
        precondition(version <= 12, "Fetch v13+ (topic ids) is not served")
        let flexible = ApiKey.fetch.isFlexible(version: version)
        var parts: [IOData] = []
        var buffer = allocator.buffer(capacity: 512)
        ResponseFrame.writeHeader(for: context, to: &buffer)
        if version >= 1 { buffer.writeInteger(response.throttleTimeMs) }
        if version >= 7 {
            buffer.writeInteger(response.errorCode)
            buffer.writeInteger(response.sessionId)
        }
        buffer.writeKafkaArrayCount(response.responses.count, compact: flexible)
        for (topicIndex, topic) in response.responses.enumerated() {
            buffer.writeKafkaString(topic.topic, compact: flexible)
            buffer.writeKafkaArrayCount(topic.partitions.count, compact: flexible)
            for (partitionIndex, partition) in topic.partitions.enumerated() {
                let slice = slices[topicIndex][partitionIndex]
                partition.write(to: &buffer, version: version)
                buffer.moveWriterIndex(to: buffer.writerIndex - (flexible ? 2 : 4))  // the null marker
                if flexible {
                    buffer.writeUnsignedVarint(UInt32(slice.length + 1))
                } else {
                    buffer.writeInteger(Int32(slice.length))
                }
                if let region = slice.fileRegion() {
                    parts.append(.byteBuffer(buffer))
                    parts.append(.fileRegion(region))
                    buffer = allocator.buffer(capacity: 256)
                }
                if flexible { buffer.writeUnsignedVarint(0) }  // partition tagged fields
            }
            if flexible { buffer.writeUnsignedVarint(0) }  // topic tagged fields
        }
        if flexible { buffer.writeUnsignedVarint(0) }  // response tagged fields
        parts.append(.byteBuffer(buffer))
        let size = parts.reduce(0) { $0 + $1.readableBytes } - 4
        if case .byteBuffer(var first) = parts[0] {
            first.setInteger(Int32(size), at: first.readerIndex)
            parts[0] = .byteBuffer(first)
        }
        return ResponseBytes(parts: parts, errors: KafkaResponseErrors(of: response))
    }
}

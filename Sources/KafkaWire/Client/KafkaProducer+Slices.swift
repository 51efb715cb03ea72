extension KafkaProducer {
    /// One record of `send(topic:bytes:records:)`: its key and value as ranges of the shared bytes.
    public struct Slice: Sendable {
        public var key: Range<Int>?
        public var value: Range<Int>
        /// Milliseconds since the epoch.
        public var timestamp: Int64

        public init(key: Range<Int>?, value: Range<Int>, timestamp: Int64) {
            self.key = key
            self.value = value
            self.timestamp = timestamp
        }
    }

    /// Sends many records whose keys and values are ranges of one byte array, as a producer
    /// of many small records (the order simulator) holds them: each is encoded into its
    /// partition's batch straight from `bytes`, without a copy or an allocation per record.
    /// Waits only when the producer's buffer is full (back-pressure) or a topic is unknown.
    public func send(topic: String, bytes: [UInt8], records: [Slice]) async throws {
        var next = 0
        while next < records.count {
            // Append as many as fit without waiting, then let `handle` wait or load metadata.
            let (appended, pending) = try bytes.withUnsafeBytes { raw -> (Int, RecordAccumulator.AppendResult?) in
                var index = next
                while index < records.count {
                    let record = records[index]
                    let key = record.key.map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
                    let value = UnsafeRawBufferPointer(rebasing: raw[record.value])
                    let result = try append(topic: topic, key: key, value: value, headers: [], timestamp: record.timestamp)
                    if case .appended(false, false) = result {
                        index += 1
                        continue
                    }
                    return (index - next, result)
                }
                return (index - next, nil)
            }
            next += appended
            guard let pending else { continue }
            if try await handle(pending, topic: topic) { next += 1 }
        }
    }
}

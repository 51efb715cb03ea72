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
    /// of many small records (the order simulator) holds them: all are encoded into their
    /// partitions' batches straight from `bytes` under one lock, without a copy or an
    /// allocation per record. Waits only when the producer's buffer is full (back-pressure,
    /// after the whole call's records are in) or while the topic's metadata loads.
    public func send(topic: String, bytes: [UInt8], records: [Slice]) async throws {
        guard !records.isEmpty else { return }
        while true {
            let now = ContinuousClock.now
            let result = try bytes.withUnsafeBytes { raw in
                try state.withLock { try $0.append(topic: topic, records: records, from: raw, now: now) }
            }
            if try await handle(result, topic: topic) { return }
        }
    }
}

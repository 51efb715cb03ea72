import Synchronization

/// Messages per second of each partition, from the latest offsets the console sees at
/// successive requests (the Kafka protocol has no rate; the offsets' growth is one).
final class MessageRates: Sendable {
    private struct Sample {
        var offset: Int64
        var micros: Int64
        var rate: Double
    }

    private let samples = Mutex<[String: Sample]>([:])

    /// The rate of `topic`/`partition` given its latest offset now. A sample less than a
    /// second after the previous one keeps the previous rate (two quick reloads would
    /// otherwise show noise).
    func rate(topic: String, partition: Int32, latestOffset: Int64, nowMicros: Int64) -> Double {
        let key = "\(topic)/\(partition)"
        return samples.withLock { samples in
            guard let previous = samples[key] else {
                samples[key] = Sample(offset: latestOffset, micros: nowMicros, rate: 0)
                return 0
            }
            let elapsed = nowMicros - previous.micros
            guard elapsed >= 1_000_000 else { return previous.rate }
            let rate =
                latestOffset >= previous.offset ? Double(latestOffset - previous.offset) * 1e6 / Double(elapsed) : 0
            samples[key] = Sample(offset: latestOffset, micros: nowMicros, rate: rate)
            return rate
        }
    }
}

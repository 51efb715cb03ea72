import KafkaWire

/// A group's lag at one sample time, summed over its partitions, with how fast it consumed
/// since the sample before: what the group's chart draws.
public struct LagPoint: Sendable, Equatable {
    public var atMillis: Int64
    /// Records behind, over every partition.
    public var lag: Int64
    /// The most any partition is behind in time, in ms; nil when no partition's time is known.
    public var millisBehind: Int64?
    /// Records committed per second since the previous point; nil for the first.
    public var consumedPerSecond: Double?
    /// The partitions' samples.
    public var partitions: [LagSample]

    /// The points of a group's samples (any order), oldest first. A partition that appears or
    /// disappears between points (a topic added to the group) does not count as consumption.
    public static func points(of samples: [LagSample]) -> [LagPoint] {
        let byTime = Dictionary(grouping: samples, by: \.atMillis)
        var points: [LagPoint] = []
        var previous: (at: Int64, committed: [KafkaTopicPartition: Int64])?
        for at in byTime.keys.sorted() {
            let partitions = byTime[at]!.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            let committed = Dictionary(
                partitions.map { (KafkaTopicPartition(topic: $0.topic, partition: $0.partition), $0.committed) },
                uniquingKeysWith: { first, _ in first }
            )
            var rate: Double?
            if let previous, at > previous.at {
                let moved = committed.reduce(Int64(0)) { sum, entry in
                    guard let before = previous.committed[entry.key] else { return sum }
                    return sum + max(0, entry.value - before)
                }
                rate = Double(moved) * 1000 / Double(at - previous.at)
            }
            let behind = partitions.compactMap(\.millisBehind)
            points.append(
                LagPoint(
                    atMillis: at,
                    lag: partitions.reduce(0) { $0 + $1.lag },
                    millisBehind: behind.max(),
                    consumedPerSecond: rate,
                    partitions: partitions
                )
            )
            previous = (at, committed)
        }
        return points
    }
}

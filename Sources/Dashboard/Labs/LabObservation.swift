import KafkaWire

/// What the appliance sees at one moment, as far as a lab's goals need it: the broker's
/// clients and groups on the wire, the topics, groups and records the goals name, and the
/// orders the analyzer counted late.
public struct LabObservation: Sendable {
    /// Open connections and those closed in the last minutes.
    public var connections: [ConsoleConnection]
    /// Each group's last changes of membership.
    public var moments: [String: [ConsoleGroupMoment]]
    /// Topics by name; those a `topic` goal names carry their configs.
    public var topics: [String: ConsoleTopic]
    /// The groups `commit` goals name, those that exist.
    public var groups: [String: GroupDescription]
    /// For topics a `produce` goal with valid orders, a `keys` or a `dead-letter` goal names:
    /// what the newest records read hold.
    public var samples: [String: RecordSample]
    /// The order ids of the analyzer's newest late orders.
    public var lateOrderIDs: [String]

    public init(
        connections: [ConsoleConnection] = [],
        moments: [String: [ConsoleGroupMoment]] = [:],
        topics: [String: ConsoleTopic] = [:],
        groups: [String: GroupDescription] = [:],
        samples: [String: RecordSample] = [:],
        lateOrderIDs: [String] = []
    ) {
        self.connections = connections
        self.moments = moments
        self.topics = topics
        self.groups = groups
        self.samples = samples
        self.lateOrderIDs = lateOrderIDs
    }

    /// The connections of `student`.
    public func connections(of student: String) -> [ConsoleConnection] {
        connections.filter { LabStudent.name(of: $0) == student }
    }

    /// The students behind the connections.
    public var students: Set<String> { Set(connections.compactMap(LabStudent.name(of:))) }

    /// Whether `goal` (already filled in for the student) holds for `student`.
    public func holds(_ goal: LabGoal, for student: String) -> Bool {
        switch goal {
        case .connect:
            return !connections(of: student).isEmpty
        case .produce(let topic, let count, let validOrders):
            if validOrders { return (samples[topic]?.validOrders ?? 0) >= count }
            return records(in: topic) >= Int64(count)
        case .keys(let topic, let count):
            return (samples[topic]?.keyed ?? 0) >= count
        case .deadLetter(let topic, let key):
            return samples[topic]?.keys.contains(key) == true
        case .lateOrder(let prefix):
            return lateOrderIDs.contains { $0.hasPrefix(prefix) }
        case .commit(let group, let topic):
            return committed(group: group, topic: topic)
        case .rebalance(let group, let members):
            return (moments[group] ?? []).contains { $0.members.count >= members }
        case .topic(let name, let partitions, let configs):
            guard let topic = topics[name], topic.partitions.count >= partitions else { return false }
            return configs.allSatisfy { topic.configs[$0.key] == $0.value }
        case .idempotence:
            let mine = connections(of: student)
            return mine.contains { $0.requestCount("InitProducerId") > 0 }
                && mine.contains { $0.requestCount("Produce") > 0 }
        case .transaction:
            return connections(of: student).contains { $0.requestCount("EndTxn") > 0 }
        case .readCommitted:
            return connections(of: student).contains { $0.readCommittedFetches > 0 }
        case .topProduct:
            return false  // answered through the API, never seen on the wire
        }
    }

    /// Records between each partition's earliest and latest offsets.
    func records(in topic: String) -> Int64 {
        (topics[topic]?.partitions ?? []).reduce(0) { $0 + max(0, $1.latestOffset - $1.earliestOffset) }
    }

    private func committed(group: String, topic: String) -> Bool {
        (groups[group]?.offsets ?? []).contains { $0.partition.topic == topic && $0.committed >= 0 }
    }
}

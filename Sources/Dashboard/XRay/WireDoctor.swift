import KafkaWire

/// Names common client mistakes from what the broker sees on the wire: the connections (open
/// and recently closed) with their requests and errors, the groups' recent changes and where
/// the broker tells clients to connect. Pure: the same inputs give the same findings.
public struct WireDoctor: Sendable {
    /// How long a client is watched before it is judged (a client that just connected has not
    /// had time to do its work).
    public static let graceMillis: Int64 = 10_000
    /// Rebalances within `loopWindowMillis` that make a loop.
    public static let loopRebalances = 3
    public static let loopWindowMillis: Int64 = 5 * 60_000

    public var open: [ConsoleConnection]
    public var closed: [ConsoleConnection]
    public var groups: [String: [ConsoleGroupMoment]]
    public var advertised: [AdvertisedAddress]
    public var nowMillis: Int64

    public init(
        open: [ConsoleConnection],
        closed: [ConsoleConnection],
        groups: [String: [ConsoleGroupMoment]],
        advertised: [AdvertisedAddress],
        nowMillis: Int64
    ) {
        self.open = open
        self.closed = closed
        self.groups = groups
        self.advertised = advertised
        self.nowMillis = nowMillis
    }

    /// Every finding, clients first, then groups.
    public var findings: [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for client in clients {
            findings +=
                unreachable(client) + commitsWithoutFetching(client) + refusedProduce(client) + missingFeatures(client)
        }
        for (groupID, moments) in groups.sorted(by: { $0.key < $1.key }) {
            findings += idleConsumers(groupID, moments) + rebalanceLoop(groupID, moments)
        }
        return findings
    }

    /// A client: its connections, open and closed, by client id and host.
    struct Client {
        var clientID: String
        var host: String
        var connections: [ConsoleConnection]

        var name: String { "'\(clientID)' from \(host)" }
        var software: String { connections.compactMap(\.clientSoftware).first.map { " (\($0))" } ?? "" }
        func count(_ api: String) -> Int { connections.reduce(0) { $0 + $1.requestCount(api) } }
        var firstSeenMillis: Int64 { connections.map(\.connectedAtMillis).min() ?? 0 }
        var isOpen: Bool { connections.contains { $0.closedAtMillis == nil } }
    }

    var clients: [Client] {
        var byKey: [String: Client] = [:]
        var order: [String] = []
        for connection in closed + open {
            let host = Self.host(of: connection.address)
            let clientID = connection.clientID ?? ""
            let key = clientID + "\u{0}" + host
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = Client(clientID: clientID, host: host, connections: [])
            }
            byKey[key]?.connections.append(connection)
        }
        return order.compactMap { byKey[$0] }
    }

    /// Bootstrapped (asked for metadata) but never came back to do anything, while the address
    /// the broker gives out on the client's listener does not lead here.
    func unreachable(_ client: Client) -> [DoctorFinding] {
        let listeners = Set(client.connections.map(\.listener))
        guard let wrong = advertised.first(where: { listeners.contains($0.listener) && $0.problem != nil }),
            let problem = wrong.problem, client.count("Metadata") > 0,
            client.connections.allSatisfy({ $0.workRequests == 0 }),
            nowMillis - client.firstSeenMillis >= Self.graceMillis
        else { return [] }
        let dialed = client.connections.last?.localAddress ?? "the bootstrap address"
        return [
            DoctorFinding(
                kind: .unreachableAdvertisedAddress,
                subject: client.name,
                clientID: client.clientID,
                problem: """
                    \(client.name)\(client.software) bootstrapped on \(dialed) and asked for metadata \
                    \(client.count("Metadata")) time(s), but never connected again to produce, fetch or join a group: \
                    the broker tells clients to connect to \(wrong.address), and \(problem)
                    """,
                fix: """
                    Advertise an address clients can reach: start the appliance with --kafka-advertise \
                    HOST:PORT (or --advertised-listeners), e.g. \(dialed), then restart the client.
                    """
            )
        ]
    }

    /// Commits offsets but has never fetched on any of its connections.
    func commitsWithoutFetching(_ client: Client) -> [DoctorFinding] {
        let commits = client.count("OffsetCommit")
        guard client.isOpen, commits >= 2, client.count("Fetch") == 0,
            nowMillis - client.firstSeenMillis >= Self.graceMillis
        else { return [] }
        return [
            DoctorFinding(
                kind: .commitsWithoutFetching,
                subject: client.name,
                clientID: client.clientID,
                problem: """
                    \(client.name)\(client.software) committed offsets \(commits) times but has never fetched a \
                    record: it commits positions it did not read.
                    """,
                fix: """
                    Commit after processing what poll() returned, not on a timer of its own; check that the \
                    consumer's poll loop runs (a consumer that only commits is usually stuck before it).
                    """
            )
        ]
    }

    /// Produce requests answered with errors.
    func refusedProduce(_ client: Client) -> [DoctorFinding] {
        let produce = ApiKey.produce.rawValue
        let refusals = client.connections.flatMap(\.errors).filter { $0.apiKey == produce }
        guard !refusals.isEmpty else { return [] }
        let last = client.connections.compactMap(\.lastError).filter { $0.apiKey == produce }.max {
            $0.atMillis < $1.atMillis
        }
        let total = refusals.reduce(0) { $0 + $1.count }
        let codes = Set(refusals.map(\.code)).sorted().map { KafkaErrorCode(rawValue: $0).name }.joined(separator: ", ")
        let code = last.map { KafkaErrorCode(rawValue: $0.code) } ?? KafkaErrorCode(rawValue: refusals[0].code)
        return [
            DoctorFinding(
                kind: .refusedProducer,
                subject: client.name,
                clientID: client.clientID,
                problem: "\(client.name)\(client.software) had \(total) Produce request(s) refused (\(codes)).",
                fix: last?.explanation ?? ConsoleClientError.advice(for: code, api: "Produce")
            )
        ]
    }

    /// Requests for APIs or versions the broker does not serve.
    func missingFeatures(_ client: Client) -> [DoctorFinding] {
        let unsupported = KafkaErrorCode.unsupportedVersion.rawValue
        let asked = client.connections.flatMap(\.errors).filter { $0.code == unsupported }
        guard !asked.isEmpty else { return [] }
        let apis = Set(asked.map { ConsoleClientError.apiName($0.apiKey) }).sorted()
        let versions = client.connections.compactMap(\.lastError).filter { $0.code == unsupported }
            .map { "\(ConsoleClientError.apiName($0.apiKey)) v\($0.apiVersion)" }
        let example = versions.first.map { " (last: \($0))" } ?? ""
        return [
            DoctorFinding(
                kind: .missingFeature,
                subject: client.name,
                clientID: client.clientID,
                problem: """
                    \(client.name)\(client.software) asked for \(apis.joined(separator: ", ")) in a version this \
                    broker does not serve\(example).
                    """,
                fix: """
                    Use a client release whose requests the broker serves (aseed's ApiVersions answer lists them), \
                    or turn off the client feature that needs it.
                    """
            )
        ]
    }

    /// A stable group whose members outnumber its partitions.
    func idleConsumers(_ groupID: String, _ moments: [ConsoleGroupMoment]) -> [DoctorFinding] {
        guard let now = moments.last, now.state == GroupState.stable, now.members.count > 1 else { return [] }
        let idle = now.members.filter(\.partitions.isEmpty)
        guard !idle.isEmpty else { return [] }
        let partitions = Set(now.members.flatMap(\.partitions)).count
        let names = idle.map { "'\($0.clientID)'" }.joined(separator: ", ")
        return [
            DoctorFinding(
                kind: .idleConsumers,
                subject: "group '\(groupID)'",
                groupID: groupID,
                problem: """
                    Group '\(groupID)' has \(now.members.count) consumers but \(partitions) partition(s) to share: \
                    \(idle.count) of them (\(names)) get no partition and sit idle.
                    """,
                fix: """
                    A group can use at most one consumer per partition: add partitions to the topic (aseed topics \
                    add-partitions, or the console), or run fewer consumers.
                    """
            )
        ]
    }

    /// Several rebalances in a short time.
    func rebalanceLoop(_ groupID: String, _ moments: [ConsoleGroupMoment]) -> [DoctorFinding] {
        let recent = moments.filter { nowMillis - $0.atMillis <= Self.loopWindowMillis }
        // A rebalance starts where the group enters PreparingRebalance.
        var starts = 0
        var previous: String?
        for moment in recent {
            let rebalancing = moment.state == GroupState.preparingRebalance
            if rebalancing && previous != GroupState.preparingRebalance { starts += 1 }
            previous = moment.state
        }
        guard starts >= Self.loopRebalances else { return [] }
        let timedOut = recent.flatMap(\.expired)
        let minutes = Self.loopWindowMillis / 60_000
        let cause =
            timedOut.isEmpty
            ? "members keep joining and leaving"
            : "members were removed \(timedOut.count) time(s) when their session or rebalance timeout passed"
        return [
            DoctorFinding(
                kind: .rebalanceLoop,
                subject: "group '\(groupID)'",
                groupID: groupID,
                problem:
                    "Group '\(groupID)' rebalanced \(starts) times in the last \(minutes) minutes: \(cause).",
                fix: timedOut.isEmpty
                    ? "Find the consumer that restarts or closes in a loop (the rebalance view shows who comes and "
                        + "goes)."
                    : """
                    Keep the poll loop short (process fewer records per poll: max.poll.records) or raise \
                    session.timeout.ms and max.poll.interval.ms; a consumer blocked in processing misses its heartbeats.
                    """
            )
        ]
    }

    /// The host part of `address:port` (IPv6 in brackets).
    static func host(of address: String) -> String {
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }
}

/// Kafka's group state names.
enum GroupState {
    static let stable = "Stable"
    static let preparingRebalance = "PreparingRebalance"
}

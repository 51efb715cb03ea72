import Dashboard
import KafkaWire
import MiniBroker
import NIOCore

/// The console's X-ray of the embedded broker: its connections with what they ask and are
/// answered, one connection's requests while someone watches, and its groups' rebalances.
extension EmbeddedBroker: BrokerWireView {
    /// How long one poll of a viewer keeps a connection's requests watched.
    static let watchMillis: Int64 = 5_000

    public func connections() -> [ConsoleConnection]? {
        guard let broker else { return nil }
        let moments = broker.groupMoments()
        return broker.connections.snapshot().map { Self.console($0, logs: broker.logs, groups: moments) }
    }

    public func closedConnections() -> [ConsoleConnection] {
        guard let broker else { return [] }
        return broker.connections.recentlyClosed().map { Self.console($0, logs: nil, groups: [:]) }
    }

    public func requests(of id: Int, after sequence: Int) -> ConsoleRequestStream? {
        guard let tap = broker?.connections.traffic(of: id)?.tap else { return nil }
        tap.watch(untilMillis: PartitionLog.currentTimeMilliseconds() + Self.watchMillis)
        let view = tap.view(after: sequence)
        return ConsoleRequestStream(
            requests: view.entries.map { Self.console($0, withRaw: false) },
            skipped: view.skipped,
            samplesPerSecond: view.samplesPerSecond
        )
    }

    public func request(of id: Int, sequence: Int) -> ConsoleRequest? {
        broker?.connections.traffic(of: id)?.tap.entry(sequence).map { Self.console($0, withRaw: true) }
    }

    public func groupMoments() -> [String: [ConsoleGroupMoment]] {
        guard let broker else { return [:] }
        return broker.groupMoments().mapValues { moments in moments.map(Self.console) }
    }

    public func advertisedAddresses() -> [AdvertisedAddress] {
        broker?.advertisedAddresses().map {
            AdvertisedAddress(listener: $0.listener, address: $0.address, problem: $0.problem)
        } ?? []
    }

    /// The console's view of a connection; with `logs`, each fetch position's log end, and with
    /// the `groups`' moments, the partitions of each of its memberships.
    static func console(
        _ connection: LiveConnections.Connection,
        logs: LogManager?,
        groups: [String: [GroupMoment]]
    ) -> ConsoleConnection {
        let traffic = connection.traffic
        return ConsoleConnection(
            id: connection.id,
            address: connection.address,
            localAddress: connection.localAddress,
            listener: connection.listener,
            principal: connection.principal,
            clientID: connection.clientID,
            clientSoftware: connection.clientSoftware,
            connectedAtMillis: connection.connectedAtMillis,
            requests: Dictionary(
                traffic.requests.map { key, count in (ConsoleClientError.apiName(key), count) },
                uniquingKeysWith: +
            ),
            bytesIn: traffic.bytesIn,
            bytesOut: traffic.bytesOut,
            lastRequestAtMillis: traffic.lastRequestAtMillis,
            errors: traffic.errors.map {
                ConsoleClientError.Count(apiKey: $0.key.apiKey, code: $0.key.code, count: $0.value)
            }
            .sorted { ($0.count, $1.apiKey, $1.code) > ($1.count, $0.apiKey, $0.code) },
            lastError: traffic.lastError.map {
                ConsoleClientError(
                    apiKey: $0.apiKey,
                    apiVersion: $0.apiVersion,
                    code: $0.code,
                    message: $0.message,
                    atMillis: $0.atMillis
                )
            },
            positions: traffic.fetchPositions.sorted { $0.key < $1.key }.map { partition, offset in
                ConsolePosition(
                    topic: partition.topic,
                    partition: partition.partition,
                    offset: offset,
                    logEndOffset: logs?.log(topic: partition.topic, partition: partition.partition)?.logEndOffset
                )
            },
            groups: traffic.groups.sorted { $0.key < $1.key }.map { group, member in
                let assignment = groups[group]?.last?.members.first { $0.memberID == member }?.assignment
                return ConsoleMembership(
                    groupID: group,
                    memberID: member,
                    partitions: assignment.map(Self.partitions(in:)) ?? []
                )
            },
            closedAtMillis: connection.closedAtMillis,
            readCommittedFetches: traffic.readCommittedFetches
        )
    }

    static func console(_ entry: RequestTap.Entry, withRaw: Bool) -> ConsoleRequest {
        ConsoleRequest(
            sequence: entry.sequence,
            atMillis: entry.atMillis,
            apiKey: entry.apiKey,
            apiVersion: entry.apiVersion,
            correlationID: entry.correlationID,
            requestBytes: entry.requestBytes,
            topics: entry.topics,
            decoded: entry.decoded,
            finished: entry.finished,
            latencyMicroseconds: entry.latencyMicroseconds,
            responseBytes: entry.responseBytes,
            errorCodes: entry.errorCodes,
            errorMessage: entry.errorMessage,
            raw: withRaw ? entry.raw : [],
            rawKept: !entry.raw.isEmpty
        )
    }

    static func console(_ moment: GroupMoment) -> ConsoleGroupMoment {
        ConsoleGroupMoment(
            atMillis: moment.atMillis,
            state: moment.state,
            generation: moment.generation,
            leaderID: moment.leaderID,
            protocolName: moment.protocolName,
            members: moment.members.map { member in
                ConsoleGroupMoment.Member(
                    memberID: member.memberID,
                    clientID: member.clientID,
                    clientHost: member.clientHost,
                    phase: member.phase,
                    partitions: Self.partitions(in: member.assignment)
                )
            },
            change: moment.change,
            expired: moment.expired
        )
    }

    /// The partitions of a consumer protocol assignment; none when it is empty or not one.
    static func partitions(in assignment: ByteBuffer) -> [KafkaTopicPartition] {
        guard assignment.readableBytes > 0,
            let decoded = try? ConsumerProtocolAssignment(decoding: assignment)
        else { return [] }
        return decoded.partitions.sorted()
    }
}

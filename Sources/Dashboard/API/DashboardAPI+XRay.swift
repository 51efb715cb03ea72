import Common
import Hummingbird
import KafkaWire

/// The X-ray: the embedded broker's clients as they are on the wire, one client's requests as
/// they arrive, the doctor, and a group's rebalances. Read-only, like the rest of the console's
/// views; where the broker is not the appliance's own, `known` is false with a message.
extension DashboardAPI {
    static let wireUnknown = "the wire is seen only by the appliance's own broker, once it runs"

    /// `GET /api/broker/connections`: the open client connections, oldest first, with their
    /// requests by API, bytes, errors, consumer positions and groups.
    func brokerConnections(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let connections = try requireConsole().wire?.connections()
        let nowMs = WallClock.nowMilliseconds()
        return .jsonObject(capacity: 512 * ((connections?.count ?? 0) + 1)) { writer in
            writer.key("known")
            writer.bool(connections != nil)
            if connections == nil {
                writer.key("message")
                writer.string(Self.wireUnknown)
            }
            writer.key("connections")
            writer.beginArray()
            for connection in connections ?? [] { write(connection, nowMs: nowMs, to: &writer) }
            writer.endArray()
        }
    }

    /// `GET /api/broker/connections/{id}/requests?after=N`: the requests of connection `id`
    /// kept after sequence N, oldest first. Each call keeps the connection watched for a few
    /// seconds more; without calls nothing is kept.
    func connectionRequests(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try Self.connectionID(context)
        let after = try Self.integer(request, "after", default: 0, in: 0...Int.max)
        guard let wire = try requireConsole().wire else {
            throw APIError(.serviceUnavailable, "unavailable", Self.wireUnknown)
        }
        guard let stream = wire.requests(of: id, after: after) else { throw Self.connectionGone(id) }
        return .jsonObject(capacity: 1024 + 2048 * stream.requests.count) { writer in
            writer.key("connection")
            writer.integer(id)
            writer.key("skipped")
            writer.integer(stream.skipped)
            writer.key("samples_per_second")
            writer.integer(stream.samplesPerSecond)
            writer.key("requests")
            writer.beginArray()
            for entry in stream.requests { write(entry, to: &writer) }
            writer.endArray()
        }
    }

    /// `GET /api/broker/connections/{id}/requests/{sequence}/raw`: the bytes of one kept request,
    /// in hex (the first 16 KiB).
    func connectionRequestRaw(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try Self.connectionID(context)
        guard let sequence = context.parameters.get("sequence").flatMap(Int.init) else {
            throw APIError.badRequest("invalid-parameter", "the request's sequence must be a whole number")
        }
        guard let wire = try requireConsole().wire else {
            throw APIError(.serviceUnavailable, "unavailable", Self.wireUnknown)
        }
        guard let entry = wire.request(of: id, sequence: sequence) else {
            throw APIError(
                .notFound,
                "not-found",
                "request \(sequence) of connection \(id) is no longer kept (only the last few hundred are)"
            )
        }
        return .jsonObject(capacity: 256 + 3 * entry.raw.count) { writer in
            writer.key("sequence")
            writer.integer(sequence)
            writer.key("api")
            writer.string(ConsoleClientError.apiName(entry.apiKey))
            writer.key("request_bytes")
            writer.integer(entry.requestBytes)
            writer.key("shown_bytes")
            writer.integer(entry.raw.count)
            writer.key("hex")
            writer.string(Self.hex(entry.raw))
            if entry.raw.isEmpty {
                writer.key("message")
                writer.string("the bytes of login requests are not kept: they carry passwords")
            }
        }
    }

    /// The doctor over the wire as it is now; nil where the broker is not the appliance's own
    /// or has not started.
    func wireDoctor() throws(APIError) -> WireDoctor? {
        guard let wire = try requireConsole().wire, let open = wire.connections() else { return nil }
        return WireDoctor(
            open: open,
            closed: wire.closedConnections(),
            groups: wire.groupMoments(),
            advertised: wire.advertisedAddresses(),
            nowMillis: WallClock.nowMilliseconds()
        )
    }

    /// The doctor's findings as a JSON array of `{kind, subject, problem, fix}`.
    func write(_ findings: [DoctorFinding], to writer: inout JSONWriter) {
        writer.beginArray()
        for finding in findings {
            writer.beginObject()
            writer.key("kind")
            writer.string(finding.kind.rawValue)
            writer.key("subject")
            writer.string(finding.subject)
            writer.key("problem")
            writer.string(finding.problem)
            writer.key("fix")
            writer.string(finding.fix)
            writer.endObject()
        }
        writer.endArray()
    }

    /// `GET /api/broker/doctor`: the common mistakes seen on the wire now.
    func brokerDoctor(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let doctor = try wireDoctor() else {
            return .jsonObject(capacity: 256) { writer in
                writer.key("known")
                writer.bool(false)
                writer.key("message")
                writer.string(Self.wireUnknown)
                writer.key("findings")
                writer.beginArray()
                writer.endArray()
            }
        }
        let findings = doctor.findings
        return .jsonObject(capacity: 512 + 512 * findings.count) { writer in
            writer.key("known")
            writer.bool(true)
            writer.key("advertised")
            writer.beginArray()
            for address in doctor.advertised {
                writer.beginObject()
                writer.key("listener")
                writer.string(address.listener)
                writer.key("address")
                writer.string(address.address)
                writer.key("problem")
                if let problem = address.problem { writer.string(problem) } else { writer.null() }
                writer.endObject()
            }
            writer.endArray()
            writer.key("findings")
            write(findings, to: &writer)
        }
    }

    /// `GET /api/broker/groups/{id}/rebalances`: the group's last changes of membership and
    /// state, oldest first, each with every member's phase and partitions.
    func groupRebalances(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = FormQuery.decodePathSegment(context.parameters.get("id") ?? "")
        let wire = try requireConsole().wire
        let moments = wire?.groupMoments()[id] ?? []
        return .jsonObject(capacity: 512 + 1024 * moments.count) { writer in
            writer.key("group_id")
            writer.string(id)
            writer.key("known")
            writer.bool(wire != nil)
            if wire == nil {
                writer.key("message")
                writer.string(Self.wireUnknown)
            }
            writer.key("moments")
            writer.beginArray()
            for moment in moments { write(moment, to: &writer) }
            writer.endArray()
        }
    }

    static func connectionID(_ context: BasicRequestContext) throws(APIError) -> Int {
        guard let id = context.parameters.get("id").flatMap(Int.init), id > 0 else {
            throw APIError.badRequest("invalid-parameter", "the connection id must be a positive whole number")
        }
        return id
    }

    static func connectionGone(_ id: Int) -> APIError {
        APIError(
            .notFound,
            "not-found",
            "connection \(id) is not open (it closed, or never was); pick one from the client list"
        )
    }

    /// Bytes as lowercase hex pairs separated by spaces.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(0x20) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private func write(_ connection: ConsoleConnection, nowMs: Int64, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.integer(connection.id)
        writer.key("address")
        writer.string(connection.address)
        writer.key("local_address")
        writer.string(connection.localAddress)
        writer.key("listener")
        writer.string(connection.listener)
        writer.key("principal")
        writer.string(connection.principal)
        writer.key("client_id")
        if let clientID = connection.clientID { writer.string(clientID) } else { writer.null() }
        writer.key("client_software")
        if let software = connection.clientSoftware { writer.string(software) } else { writer.null() }
        writer.key("connected_at")
        writer.timestamp(micros: connection.connectedAtMillis * 1000)
        writer.key("connected_ms")
        writer.integer(max(0, nowMs - connection.connectedAtMillis))
        writer.key("requests")
        writer.beginObject()
        for (api, count) in connection.requests.sorted(by: { $0.key < $1.key }) {
            writer.key(api)
            writer.integer(count)
        }
        writer.endObject()
        writer.key("bytes_in")
        writer.integer(connection.bytesIn)
        writer.key("bytes_out")
        writer.integer(connection.bytesOut)
        writer.key("last_request_at")
        if let last = connection.lastRequestAtMillis { writer.timestamp(micros: last * 1000) } else { writer.null() }
        writer.key("errors")
        writer.beginArray()
        for error in connection.errors {
            writer.beginObject()
            writer.key("api")
            writer.string(ConsoleClientError.apiName(error.apiKey))
            writer.key("code")
            writer.integer(Int(error.code))
            writer.key("name")
            writer.string(KafkaErrorCode(rawValue: error.code).name)
            writer.key("count")
            writer.integer(error.count)
            writer.endObject()
        }
        writer.endArray()
        writer.key("last_error")
        if let last = connection.lastError { write(last, to: &writer) } else { writer.null() }
        writer.key("read_committed_fetches")
        writer.integer(connection.readCommittedFetches)
        writer.key("positions")
        writer.beginArray()
        for position in connection.positions {
            writer.beginObject()
            writer.key("topic")
            writer.string(position.topic)
            writer.key("partition")
            writer.integer(position.partition)
            writer.key("offset")
            writer.integer(position.offset)
            writer.key("log_end")
            if let end = position.logEndOffset { writer.integer(end) } else { writer.null() }
            writer.key("lag")
            if let lag = position.lag { writer.integer(lag) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        writer.key("groups")
        writer.beginArray()
        for membership in connection.groups {
            writer.beginObject()
            writer.key("group_id")
            writer.string(membership.groupID)
            writer.key("member_id")
            writer.string(membership.memberID)
            writer.key("partitions")
            Self.write(membership.partitions, to: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    private func write(_ error: ConsoleClientError, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("api")
        writer.string(ConsoleClientError.apiName(error.apiKey))
        writer.key("version")
        writer.integer(Int(error.apiVersion))
        writer.key("code")
        writer.integer(Int(error.code))
        writer.key("name")
        writer.string(KafkaErrorCode(rawValue: error.code).name)
        writer.key("message")
        if let message = error.message { writer.string(message) } else { writer.null() }
        writer.key("at")
        writer.timestamp(micros: error.atMillis * 1000)
        writer.key("explanation")
        writer.string(error.explanation)
        writer.endObject()
    }

    private func write(_ entry: ConsoleRequest, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("sequence")
        writer.integer(entry.sequence)
        writer.key("at")
        writer.timestamp(micros: entry.atMillis * 1000)
        writer.key("api")
        writer.string(ConsoleClientError.apiName(entry.apiKey))
        writer.key("version")
        writer.integer(Int(entry.apiVersion))
        writer.key("correlation_id")
        writer.integer(Int(entry.correlationID))
        writer.key("request_bytes")
        writer.integer(entry.requestBytes)
        writer.key("topics")
        writer.string(entry.topics)
        writer.key("decoded")
        writer.beginArray()
        for line in entry.decoded { writer.string(line) }
        writer.endArray()
        writer.key("finished")
        writer.bool(entry.finished)
        writer.key("latency_ms")
        if let micros = entry.latencyMicroseconds { writer.double(Double(micros) / 1000) } else { writer.null() }
        writer.key("response_bytes")
        if let bytes = entry.responseBytes { writer.integer(bytes) } else { writer.null() }
        writer.key("errors")
        writer.beginArray()
        for code in entry.errorCodes { writer.string(KafkaErrorCode(rawValue: code).name) }
        writer.endArray()
        writer.key("error_message")
        if let message = entry.errorMessage { writer.string(message) } else { writer.null() }
        writer.key("raw_kept")
        writer.bool(entry.rawKept)
        writer.endObject()
    }

    private func write(_ moment: ConsoleGroupMoment, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("at")
        writer.timestamp(micros: moment.atMillis * 1000)
        writer.key("state")
        writer.string(moment.state)
        writer.key("generation")
        writer.integer(Int(moment.generation))
        writer.key("leader")
        if let leader = moment.leaderID { writer.string(leader) } else { writer.null() }
        writer.key("protocol")
        if let name = moment.protocolName { writer.string(name) } else { writer.null() }
        writer.key("change")
        writer.string(moment.change)
        writer.key("members")
        writer.beginArray()
        for member in moment.members {
            writer.beginObject()
            writer.key("member_id")
            writer.string(member.memberID)
            writer.key("client_id")
            writer.string(member.clientID)
            writer.key("host")
            writer.string(member.clientHost)
            writer.key("phase")
            writer.string(member.phase)
            writer.key("partitions")
            Self.write(member.partitions, to: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

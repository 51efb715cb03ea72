import Logging
import NIOCore
import NIOPosix

/// One TCP connection to one Kafka broker.
///
/// Requests are pipelined: each gets a correlation id, is written at once, and its caller waits
/// for the response with that id. On connect the connection asks for the broker's API versions
/// and from then on sends each API at the highest version both sides know (`apiVersions`);
/// with `KafkaClientSecurity` it speaks TLS and logs in with SASL before anything else.
/// When the connection closes, every waiting request fails with `.connectionClosed`.
public final class BrokerConnection: Sendable {
    /// The broker this connection goes to.
    public let address: BrokerAddress
    /// The API versions negotiated with the broker.
    public let apiVersions: ApiVersionTable

    let channel: any Channel
    let pending: PendingRequests
    let clientID: String
    let requestTimeout: TimeAmount

    private init(
        address: BrokerAddress,
        channel: any Channel,
        pending: PendingRequests,
        clientID: String,
        requestTimeout: TimeAmount,
        apiVersions: ApiVersionTable
    ) {
        self.address = address
        self.channel = channel
        self.pending = pending
        self.clientID = clientID
        self.requestTimeout = requestTimeout
        self.apiVersions = apiVersions
    }

    /// Opens a connection, negotiates API versions and logs in when `security` says so.
    ///
    /// - Throws: `KafkaClientError` `.brokerUnreachable` when the TCP connection fails,
    ///   `.unsupportedVersion` or `.connectionClosed` when the ApiVersions exchange fails,
    ///   `.authenticationFailed` when the TLS handshake or the login fails, `.invalidConfiguration`
    ///   when the TLS settings cannot be used.
    public static func connect(
        to address: BrokerAddress,
        clientID: String,
        eventLoopGroup: any EventLoopGroup,
        connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30),
        maximumResponseSize: Int = 256 * 1024 * 1024,
        security: KafkaClientSecurity = .plaintext
    ) async throws -> BrokerConnection {
        let pending = PendingRequests()
        let channel = try await openChannel(
            to: address,
            pending: pending,
            group: eventLoopGroup,
            timeout: connectTimeout,
            maximumResponseSize: maximumResponseSize,
            tls: try security.tls.map(tlsContext)
        )
        let timeout = TimeAmount(requestTimeout)
        do {
            let versions = try await negotiateVersions(
                channel: channel,
                pending: pending,
                clientID: clientID,
                timeout: timeout,
                address: address
            )
            let connection = BrokerConnection(
                address: address,
                channel: channel,
                pending: pending,
                clientID: clientID,
                requestTimeout: timeout,
                apiVersions: versions
            )
            if let login = security.sasl { try await connection.authenticate(login) }
            return connection
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Sends `request` at `version` and waits for its response.
    ///
    /// - Throws: `KafkaClientError` (`.connectionClosed`, `.requestTimedOut`,
    ///   `.protocolViolation`); broker error codes inside the response are left to the caller.
    public func send<Request: KafkaRequestMessage, Response: KafkaResponseMessage>(
        _ request: Request,
        version: Int16,
        expecting: Response.Type = Response.self
    ) async throws -> Response {
        let body = try await Self.exchange(
            request,
            version: version,
            channel: channel,
            pending: pending,
            clientID: clientID,
            timeout: requestTimeout,
            address: address
        ).get()
        return try Self.decodeResponse(body, as: Response.self, version: version, address: address)
    }

    /// Sends `request` at `version` without waiting for a response, for requests the broker
    /// does not answer (Produce with acks=0). Returns once the bytes are written.
    public func sendWithoutResponse<Request: KafkaRequestMessage>(_ request: Request, version: Int16) async throws {
        let id = try pending.register(nil)
        let frame = Self.encodeFrame(
            request,
            version: version,
            correlationID: id,
            clientID: clientID,
            allocator: channel.allocator
        )
        try await channel.writeAndFlush(frame)
    }

    /// Sends `request` at the highest negotiated version not above `cap`.
    ///
    /// - Throws: `.unsupportedVersion` when the broker supports no version in `minimum...cap`.
    public func send<Request: KafkaRequestMessage, Response: KafkaResponseMessage>(
        _ request: Request,
        minimumVersion: Int16 = 0,
        maximumVersion: Int16 = .max,
        expecting: Response.Type = Response.self
    ) async throws -> Response {
        let version = try negotiatedVersion(for: Request.apiKey, minimum: minimumVersion, cap: maximumVersion)
        return try await send(request, version: version, expecting: Response.self)
    }

    /// The version to use for `api`, or a `.unsupportedVersion` error saying what is missing.
    public func negotiatedVersion(for api: ApiKey, minimum: Int16 = 0, cap: Int16 = .max) throws -> Int16 {
        guard let version = apiVersions.version(for: api, minimum: minimum, cap: cap) else {
            let offered = apiVersions.range(for: api).map { "\($0.lowerBound)-\($0.upperBound)" } ?? "none"
            throw KafkaClientError(
                .unsupportedVersion,
                """
                broker \(address) supports \(api.name) versions \(offered), this client needs \
                \(minimum)-\(min(cap, api.codecVersions.upperBound)); use a newer broker
                """
            )
        }
        return version
    }

    /// Whether the connection is open and usable.
    public var isActive: Bool { channel.isActive && !pending.isClosed }

    /// Number of requests waiting for their response.
    public var inFlightCount: Int { pending.count }

    /// Closes the connection; waiting requests fail with `.connectionClosed`.
    public func close() async {
        pending.close(
            with: KafkaClientError(.connectionClosed, "connection to broker \(address) was closed by this client")
        )
        try? await channel.close()
    }
}

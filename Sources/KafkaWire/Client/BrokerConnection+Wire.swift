import NIOCore
import NIOPosix
import NIOSSL

// The frame rules of the Kafka protocol (https://kafka.apache.org/protocol#protocol_common):
// every message is INT32 size + body; a request body starts with the request header (v1, or
// v2 with tagged fields for flexible versions), a response body with the correlation id (+
// tagged fields in response header v1, except ApiVersions, which always uses v0 — KIP-511).
extension BrokerConnection {
    static func openChannel(
        to address: BrokerAddress,
        pending: PendingRequests,
        group: any EventLoopGroup,
        timeout: Duration,
        maximumResponseSize: Int,
        tls: NIOSSLContext? = nil
    ) async throws -> any Channel {
        // SNI carries names only; an address is checked against the certificate's IP entries.
        let serverHostname =
            address.host.contains(":") || address.host.allSatisfy { $0.isNumber || $0 == "." }
            ? nil : address.host
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverHostname)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(KafkaFrameDecoder(maximumFrameSize: maximumResponseSize))
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        BrokerConnectionHandler(pending: pending, address: address)
                    )
                }
            }
        do {
            return try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch {
            throw KafkaClientError(.brokerUnreachable, "broker \(address) unreachable (\(Self.reason(error)))")
        }
    }

    /// The TLS context of `settings`: its CA file (or the system's certificates) as trust roots.
    static func tlsContext(_ settings: KafkaClientSecurity.TLS) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            configuration.trustRoots = .file(caFile)
        }
        configuration.certificateVerification = settings.verifiesHostname ? .fullVerification : .noHostnameVerification
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw KafkaClientError(
                .invalidConfiguration,
                "TLS settings cannot be used (\(error)); check the CA file \(settings.caFile ?? "(system)")"
            )
        }
    }

    /// A short reason for a connect failure ("connection refused").
    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case 111, 61: return "connection refused"
            case 110, 60: return "timed out"
            case 113, 65: return "no route to host"
            default: return "\(io)"
            }
        }
        if error is ChannelError { return "connect timed out" }
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        return text
    }

    static func encodeFrame<Request: KafkaRequestMessage>(
        _ request: Request,
        version: Int16,
        correlationID: Int32,
        clientID: String,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var frame = allocator.buffer(capacity: 256)
        frame.writeInteger(Int32(0), endianness: .big)
        let header = RequestHeader(
            requestApiKey: Request.apiKey.rawValue,
            requestApiVersion: version,
            correlationId: correlationID,
            clientId: clientID
        )
        header.write(to: &frame, version: Request.apiKey.requestHeaderVersion(for: version))
        request.write(to: &frame, version: version)
        frame.setInteger(Int32(frame.readableBytes - 4), at: frame.readerIndex, endianness: .big)
        return frame
    }

    /// Writes a request and returns the future of its response body (after the correlation id).
    static func exchange<Request: KafkaRequestMessage>(
        _ request: Request,
        version: Int16,
        channel: any Channel,
        pending: PendingRequests,
        clientID: String,
        timeout: TimeAmount,
        address: BrokerAddress
    ) throws -> EventLoopFuture<ByteBuffer> {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        let id: Int32
        do {
            id = try pending.register(promise)
        } catch {
            // A closed connection refuses new requests; the promise must still be completed.
            promise.fail(error)
            throw error
        }
        let frame = encodeFrame(
            request,
            version: version,
            correlationID: id,
            clientID: clientID,
            allocator: channel.allocator
        )
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            pending.fail(
                id,
                with: KafkaClientError(
                    .requestTimedOut,
                    """
                    \(Request.apiKey.name) request to broker \(address) got no response within \
                    \(timeout.nanoseconds / 1_000_000) ms; it will be retried
                    """
                )
            )
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        channel.writeAndFlush(frame).whenFailure { error in
            pending.fail(
                id,
                with: KafkaClientError(.connectionClosed, "could not write to broker \(address) (\(error))")
            )
        }
        return promise.futureResult
    }

    static func decodeResponse<Response: KafkaResponseMessage>(
        _ body: ByteBuffer,
        as: Response.Type,
        version: Int16,
        address: BrokerAddress
    ) throws -> Response {
        var body = body
        do {
            if Response.apiKey.responseHeaderVersion(for: version) >= 1 {
                try body.readKafkaTaggedFields { _, _ in }
            }
            return try Response(from: &body, version: version)
        } catch {
            throw KafkaClientError(
                .protocolViolation,
                "could not decode \(Response.apiKey.name) v\(version) response from broker \(address): \(error)"
            )
        }
    }

    /// ApiVersions exchange: asks at v3 (flexible, the version Java sends first); a broker that
    /// does not know v3 answers UNSUPPORTED_VERSION in the v0 body format (KIP-511), then the
    /// client asks again at v0.
    static func negotiateVersions(
        channel: any Channel,
        pending: PendingRequests,
        clientID: String,
        timeout: TimeAmount,
        address: BrokerAddress
    ) async throws -> ApiVersionTable {
        let request = ApiVersionsRequest(clientSoftwareName: "aseed-kafkawire", clientSoftwareVersion: "1.0")
        for version: Int16 in [3, 0] {
            let body = try await exchange(
                request,
                version: version,
                channel: channel,
                pending: pending,
                clientID: clientID,
                timeout: timeout,
                address: address
            ).get()
            guard
                let response = try? decodeResponse(
                    body,
                    as: ApiVersionsResponse.self,
                    version: version,
                    address: address
                )
            else { continue }
            let code = KafkaErrorCode(rawValue: response.errorCode)
            if code == .unsupportedVersion { continue }
            guard code == .none else { throw KafkaClientError.broker(code, "ApiVersions on broker \(address)") }
            return ApiVersionTable(brokerRanges: response.apiKeys.map { ($0.apiKey, $0.minVersion, $0.maxVersion) })
        }
        throw KafkaClientError(
            .unsupportedVersion,
            "broker \(address) answered no ApiVersions request this client understands; is it a Kafka broker?"
        )
    }
}

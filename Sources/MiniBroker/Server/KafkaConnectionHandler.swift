import KafkaWire
import Logging
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Serves one connection: request frames in, response frames out, in request order.
///
/// Most requests (Produce, Metadata, offsets...) are answered right here on the connection's
/// event loop, with no thread hop. Requests that must wait (a Fetch for data that has not
/// arrived, a JoinGroup during a rebalance) run as a task; until they finish, later frames
/// queue up, and once a few are queued the handler stops reading from the socket, so a
/// client that pipelines without limit is slowed down instead of filling memory.
///
/// A connection with no bytes arriving, no request being served and no response written for
/// `idleTimeout` is closed (Kafka's `connections.max.idle.ms`), so clients that went away
/// without closing do not keep their descriptors forever.
final class KafkaConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Queued frames beyond which reading from the socket pauses.
    private static let queueLimit = 16

    private let handler: RequestHandler
    private let idleTimeout: TimeAmount
    private let logger: Logger
    private let listener: KafkaListener
    /// The SASL login on SASL listeners; nil where connections need none.
    private let authenticator: SaslAuthenticator?
    private let failedLoginDelay: TimeAmount
    private var principal = KafkaPrincipal.anonymous
    private var queue = CircularBuffer<ByteBuffer>()
    private var waiting = false
    private var readHeld = false
    private var clientHost = "unknown"
    /// This connection's entry in the broker's `LiveConnections`, and its request counters.
    private var connectionID: Int?
    private var traffic: ConnectionTraffic?
    private var clientIDKnown = false
    /// The request being served: its API and version, when it arrived, and its sequence number
    /// in the connection's `RequestTap` when a viewer keeps it.
    private var current: (apiKey: Int16, apiVersion: Int16, arrived: NIODeadline, tapped: Int?)?
    /// The buffer fetches over TLS read stored records into (`writeCopy`).
    private var copyBuffer: ByteBuffer?
    static let copyPieceSize = 256 * 1024
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    private var idleCheck: Scheduled<Void>?

    init(
        handler: RequestHandler,
        listener: KafkaListener,
        authenticator: SaslAuthenticator?,
        failedLoginDelay: TimeAmount,
        idleTimeout: TimeAmount,
        logger: Logger
    ) {
        self.handler = handler
        self.listener = listener
        self.authenticator = authenticator
        self.failedLoginDelay = failedLoginDelay
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        clientHost = context.remoteAddress?.ipAddress ?? "unknown"
        let port = context.remoteAddress?.port.map { ":\($0)" } ?? ""
        let opened = handler.connections.open(
            address: clientHost + port,
            localAddress: Self.addressText(context.localAddress),
            listener: listener.securityProtocol.rawValue
        )
        connectionID = opened.id
        traffic = opened.traffic
        lastActivity = context.eventLoop.now
        scheduleIdleCheck(at: lastActivity + idleTimeout, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        if let connectionID { handler.connections.close(connectionID) }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        queue.append(unwrapInboundIn(data))
        if !waiting { serveQueue(context: context) }
    }

    /// Bytes arrived, whether or not they completed a request.
    func channelReadComplete(context: ChannelHandlerContext) {
        lastActivity = context.eventLoop.now
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if queue.count >= Self.queueLimit {
            readHeld = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let ioError = error as? IOError, ioError.errnoCode == ECONNRESET || ioError.errnoCode == EPIPE {
            context.close(promise: nil)
            return
        }
        if case NIOSSLError.handshakeFailed = error {
            logger.warning(
                """
                TLS handshake with \(clientHost) failed: the client does not trust this broker's certificate, \
                expects another name in it, or does not speak TLS (\(error))
                """
            )
        } else {
            logger.warning("closing connection from \(clientHost): \(error)")
        }
        context.close(promise: nil)
    }

    /// Answers queued frames until one has to wait or the queue is empty.
    private func serveQueue(context: ChannelHandlerContext) {
        var wrote = false
        while !waiting, let frame = queue.popFirst() {
            arrived(frame, context: context)
            if let authenticator, authenticator.sessionExpired(at: context.eventLoop.now),
                !authenticator.startsReauthentication(frame)
            {
                let session = "the SASL session of \(principal) ended without re-authentication"
                logger.info("closing connection from \(clientHost): \(session)")
                context.close(promise: nil)
                return
            }
            if let authenticator, !authenticator.isAuthenticated || authenticator.startsReauthentication(frame) {
                switch login(frame, authenticator: authenticator, context: context) {
                case .answered:
                    wrote = true
                    continue
                case .handOver:
                    break
                case .closing:
                    if wrote { context.flush() }
                    return
                }
            }
            let outcome: RequestOutcome
            do {
                outcome = try handler.handle(
                    frame,
                    clientHost: clientHost,
                    listener: listener,
                    principal: principal,
                    connectionID: connectionID,
                    traffic: traffic,
                    allocator: context.channel.allocator
                )
            } catch {
                logger.warning("closing connection from \(clientHost): \(error)")
                context.close(promise: nil)
                return
            }
            // After the first request is handled: when it is ApiVersions v3+ (every client's
            // first), the console finds the client's software beside its id from the start.
            if !clientIDKnown, let connectionID {
                clientIDKnown = true
                let clientID = Self.clientID(of: frame)
                handler.connections.update(connectionID) { $0.clientID = clientID }
            }
            switch outcome {
            case .respond(let response):
                if let response {
                    write(response, context: context)
                    wrote = true
                } else {
                    answeredWithoutResponse(context: context)
                }
            case .respondLater(let work):
                waiting = true
                respondLater(work, context: context)
            case .respondThenPause(let response, let pause):
                if let response { write(response, context: context) }
                context.flush()
                lastActivity = context.eventLoop.now
                waiting = true
                let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: pause) {
                    let (handler, context) = bound.value
                    handler.waiting = false
                    handler.serveQueue(context: context)
                }
                return
            }
        }
        if wrote {
            lastActivity = context.eventLoop.now
            context.flush()
        }
        if readHeld && queue.count < Self.queueLimit {
            readHeld = false
            context.read()
        }
    }

    /// Counts a request frame, and keeps it decoded when a viewer watches this connection (not
    /// while logging in: SASL frames carry passwords, and v0 tokens have no header).
    private func arrived(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        let apiKey = frame.getInteger(at: frame.readerIndex, as: Int16.self) ?? -1
        let apiVersion = frame.getInteger(at: frame.readerIndex + 2, as: Int16.self) ?? -1
        let nowMillis = PartitionLog.currentTimeMilliseconds()
        traffic?.request(apiKey: apiKey, bytes: frame.readableBytes, atMillis: nowMillis)
        var tapped: Int?
        if let tap = traffic?.tap, tap.isWatched(atMillis: nowMillis), authenticator?.isAuthenticated ?? true {
            let carriesSecrets =
                apiKey == ApiKey.saslAuthenticate.rawValue || apiKey == ApiKey.alterUserScramCredentials.rawValue
            tapped = tap.capture(frame, atMillis: nowMillis, keepRaw: !carriesSecrets)
        }
        current = (apiKey, apiVersion, context.eventLoop.now, tapped)
    }

    /// A request that expects no response (Produce with acks=0) is done.
    private func answeredWithoutResponse(context: ChannelHandlerContext) {
        guard let current, let tapped = current.tapped else { return }
        traffic?.tap.finish(
            tapped,
            latencyMicroseconds: (context.eventLoop.now - current.arrived).nanoseconds / 1000,
            responseBytes: nil,
            errors: KafkaResponseErrors()
        )
    }

    private enum LoginProgress {
        /// The login answered the frame.
        case answered
        /// Not a login frame (ApiVersions): the request handler answers it.
        case handOver
        /// The connection closes, now or after the failed-login delay.
        case closing
    }

    /// One frame while the connection has not logged in.
    private func login(
        _ frame: ByteBuffer,
        authenticator: SaslAuthenticator,
        context: ChannelHandlerContext
    ) -> LoginProgress {
        switch authenticator.step(frame, now: context.eventLoop.now, allocator: context.channel.allocator) {
        case .handOver:
            return .handOver
        case .respond(let response):
            write(ResponseBytes(response), context: context)
            return .answered
        case .authenticated(let response, let principal):
            let again = self.principal == principal ? "re-authenticated" : "logged in"
            self.principal = principal
            if let connectionID { handler.connections.update(connectionID) { $0.principal = principal.description } }
            logger.info("\(clientHost) \(again) as \(principal) on \(listener.securityProtocol.rawValue)")
            write(ResponseBytes(response), context: context)
            return .answered
        case .refuse(let response, let reason):
            let user = authenticator.attemptedUser.map { " as '\($0)'" } ?? ""
            logger.warning("refused the SASL login of \(clientHost)\(user): \(reason)")
            waiting = true
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: failedLoginDelay) {
                let (handler, context) = bound.value
                if let response { handler.write(ResponseBytes(response), context: context) }
                context.flush()
                // A moment before closing, so clients that read the answer and the close in
                // one go (kafka-python) still report the answer rather than a lost connection.
                context.eventLoop.scheduleTask(in: .milliseconds(100)) { bound.value.context.close(promise: nil) }
            }
            return .closing
        case .close(let reason):
            logger.warning("closing connection from \(clientHost): \(reason)")
            context.close(promise: nil)
            return .closing
        }
    }

    /// Writes a response's parts; file regions close their descriptors once written (or when
    /// the write fails because the connection went away). Over TLS the bytes must pass through
    /// the encryption, so regions are read into buffers instead of sent with sendfile.
    private func write(_ response: ResponseBytes, context: ChannelHandlerContext) {
        let bytes = response.parts.reduce(0) { $0 + $1.readableBytes }
        if let current {
            traffic?.response(
                bytes: bytes,
                apiKey: current.apiKey,
                apiVersion: current.apiVersion,
                errors: response.errors
            )
            if let tapped = current.tapped {
                traffic?.tap.finish(
                    tapped,
                    latencyMicroseconds: (context.eventLoop.now - current.arrived).nanoseconds / 1000,
                    responseBytes: bytes,
                    errors: response.errors
                )
            }
        } else {
            traffic?.response(bytes: bytes)
        }
        for part in response.parts {
            guard case .fileRegion(let region) = part else {
                context.write(wrapOutboundOut(part), promise: nil)
                continue
            }
            if listener.securityProtocol.usesTLS {
                writeCopy(of: region, context: context)
                continue
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in try? region.fileHandle.close() }
            context.write(wrapOutboundOut(part), promise: written)
        }
    }

    /// Reads `region` (from the page cache, as sendfile would) and writes the bytes; a read
    /// that fails closes the connection, since the response frame can no longer be completed.
    ///
    /// The bytes go through one buffer the connection keeps, a piece at a time, each flushed
    /// so that TLS encrypts it and lets go of the buffer before the next: a fresh buffer per
    /// region (megabytes per fetch) cost more in page faults than the encryption itself.
    private func writeCopy(of region: FileRegion, context: ChannelHandlerContext) {
        defer { try? region.fileHandle.close() }
        do {
            try region.fileHandle.withUnsafeFileDescriptor { descriptor in
                var offset = region.readerIndex
                while offset < region.endIndex {
                    var piece = copyBuffer ?? context.channel.allocator.buffer(capacity: Self.copyPieceSize)
                    copyBuffer = nil  // the only reference: clearing and writing do not copy it
                    piece.clear()
                    let wanted = min(Self.copyPieceSize, region.endIndex - offset)
                    while piece.readableBytes < wanted {
                        let have = piece.readableBytes
                        try piece.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted - have) {
                            let read = pread(descriptor, $0.baseAddress, wanted - have, off_t(offset + have))
                            if read < 0 && errno == EINTR { return 0 }
                            guard read > 0 else {
                                throw IOError(errnoCode: read < 0 ? errno : EIO, reason: "pread")
                            }
                            return read
                        }
                    }
                    offset += wanted
                    context.write(wrapOutboundOut(.byteBuffer(piece)), promise: nil)
                    context.flush()
                    copyBuffer = piece
                }
            }
        } catch {
            logger.warning("closing connection from \(clientHost): reading stored records for a fetch failed: \(error)")
            context.close(promise: nil)
        }
    }

    private func respondLater(_ work: @escaping @Sendable () async -> ResponseBytes?, context: ChannelHandlerContext) {
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
        Task {
            let response = await work()
            eventLoop.execute {
                let (handler, context) = bound.value
                if let response {
                    handler.write(response, context: context)
                    context.flush()
                }
                handler.lastActivity = context.eventLoop.now
                handler.waiting = false
                handler.serveQueue(context: context)
            }
        }
    }

    /// One timer per connection, re-armed from the last activity when it fires early; checking
    /// then is cheaper than moving a timer on every read.
    private func scheduleIdleCheck(at time: NIODeadline, context: ChannelHandlerContext) {
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) { [self] in
            idleCheck = nil
            let now = context.eventLoop.now
            if waiting || !queue.isEmpty {
                scheduleIdleCheck(at: now + idleTimeout, context: context)
            } else if now - lastActivity >= idleTimeout {
                logger.info("closing connection from \(clientHost): idle for \(idleTimeout.nanoseconds / 1_000_000) ms")
                context.close(promise: nil)
            } else {
                scheduleIdleCheck(at: lastActivity + idleTimeout, context: context)
            }
        }
    }

    /// `ip:port` of a socket address.
    static func addressText(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress else { return "unknown" }
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return address.port.map { "\(host):\($0)" } ?? host
    }

    /// The client id of a request frame's header (v1+: after key, version and correlation id),
    /// nil when it has none.
    static func clientID(of frame: ByteBuffer) -> String? {
        let start = frame.readerIndex + 8
        guard let length = frame.getInteger(at: start, endianness: .big, as: Int16.self), length > 0 else { return nil }
        return frame.getString(at: start + 2, length: Int(length))
    }
}

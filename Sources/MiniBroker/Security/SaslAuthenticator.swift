import KafkaWire
import NIOCore

/// The SASL login of one connection on a SASL listener (Kafka's `SaslServerAuthenticator`).
///
/// Before a login succeeds, the connection may send ApiVersions and SaslHandshake; then, after
/// SaslHandshake v1, SaslAuthenticate requests carrying the mechanism's messages, or after v0
/// (old clients) the bare messages in size-prefixed frames with no request header. Anything
/// else closes the connection, as Kafka does. A refused login is answered after
/// `BrokerConfiguration.failedAuthenticationDelayMs` and the connection closes.
///
/// With a session lifetime (`connections.max.reauth.ms`, KIP-368), SaslAuthenticate v1+ tells
/// the client how long its login holds; before then it logs in again on the same connection
/// (SaslHandshake, SaslAuthenticate, same mechanism and user), and a connection whose session
/// ran out is closed at its next request.
final class SaslAuthenticator {
    /// What the connection does with one frame.
    enum Step {
        /// Not a login matter: the request handler answers it (ApiVersions before the login,
        /// everything after it).
        case handOver
        /// Send this and read on.
        case respond(ByteBuffer)
        /// The login succeeded: send this, and the connection now acts as `principal`.
        case authenticated(ByteBuffer, principal: KafkaPrincipal)
        /// The login failed: after the failure delay send this (if anything), then close.
        case refuse(ByteBuffer?, reason: String)
        /// Close at once; nothing can be answered.
        case close(reason: String)
    }

    private enum Exchange {
        case plain
        case scram(ScramServerExchange)
    }

    private enum State {
        case expectingHandshake
        /// After SaslHandshake; `raw` for v0, whose messages come without request headers.
        case exchanging(SaslMechanism, Exchange, raw: Bool)
        case authenticated
        case closed
    }

    /// The login that holds, once there is one: re-authentication keeps its mechanism and user.
    private var session: (mechanism: SaslMechanism, principal: KafkaPrincipal, expires: NIODeadline?)?

    /// Largest frame accepted before a login (Kafka's `sasl.server.max.receive.size`), so an
    /// unauthenticated client cannot make the broker hold large buffers.
    static let maximumFrameBeforeLogin = 524_288

    private let mechanisms: [SaslMechanism]
    private let users: UserCredentials
    /// How long a login holds; nil: for the life of the connection.
    private let sessionLifetime: TimeAmount?
    private var state = State.expectingHandshake

    init(mechanisms: [SaslMechanism], users: UserCredentials, sessionLifetime: TimeAmount? = nil) {
        self.mechanisms = mechanisms
        self.users = users
        self.sessionLifetime = sessionLifetime
    }

    /// Whether `frame` begins a re-authentication of a logged-in connection (KIP-368).
    func startsReauthentication(_ frame: ByteBuffer) -> Bool {
        guard sessionLifetime != nil, case .authenticated = state else { return false }
        return Self.apiKey(of: frame) == .saslHandshake
    }

    /// Whether the login ran out at `now`: only re-authentication may follow.
    func sessionExpired(at now: NIODeadline) -> Bool {
        guard case .authenticated = state, let expires = session?.expires else { return false }
        return now >= expires
    }

    /// Whether the connection has logged in.
    var isAuthenticated: Bool {
        if case .authenticated = state { return true }
        return false
    }

    /// The user name a client is trying to log in as, once known, for log lines.
    private(set) var attemptedUser: String?
    /// The event loop's time of the frame being handled: sessions start and are measured by it.
    private var now = NIODeadline.uptimeNanoseconds(0)

    /// What to do with `frame`, which arrived at `now` (the event loop's clock).
    func step(_ frame: ByteBuffer, now: NIODeadline, allocator: ByteBufferAllocator) -> Step {
        self.now = now
        switch state {
        case .authenticated:
            // Kafka answers a SaslHandshake on a logged-in connection as a re-authentication
            // only when sessions expire; otherwise the request handler refuses it.
            guard startsReauthentication(frame) else { return .handOver }
            state = .expectingHandshake
            return step(frame, now: now, allocator: allocator)
        case .closed:
            return .close(reason: "the login already failed")
        case .exchanging(let mechanism, let exchange, raw: true):
            return rawToken(frame, mechanism: mechanism, exchange: exchange, allocator: allocator)
        case .expectingHandshake, .exchanging(_, _, raw: false):
            break
        }
        guard frame.readableBytes <= Self.maximumFrameBeforeLogin else {
            state = .closed
            return .close(
                reason:
                    "a \(frame.readableBytes)-byte frame before the SASL login"
                    + " (at most \(Self.maximumFrameBeforeLogin))"
            )
        }
        var body = frame
        guard let apiKey = Self.apiKey(of: frame),
            let version = body.getInteger(at: body.readerIndex + 2, endianness: .big, as: Int16.self)
        else {
            state = .closed
            return .close(reason: "a frame that is no Kafka request before the SASL login")
        }
        if apiKey == .apiVersions { return .handOver }
        do {
            let header = try RequestHeader(from: &body, version: apiKey.requestHeaderVersion(for: version))
            let context = RequestContext(
                apiKey: apiKey,
                apiVersion: version,
                correlationID: header.correlationId,
                clientID: header.clientId,
                clientHost: ""
            )
            switch (state, apiKey) {
            case (.expectingHandshake, .saslHandshake) where SaslHandshakeRequest.validVersions.contains(version):
                return handshake(try SaslHandshakeRequest(from: &body, version: version), context, allocator)
            case (.exchanging(let mechanism, let exchange, _), .saslAuthenticate)
            where SaslAuthenticateRequest.validVersions.contains(version):
                let request = try SaslAuthenticateRequest(from: &body, version: version)
                return authenticate(request, mechanism: mechanism, exchange: exchange, context, allocator)
            default:
                state = .closed
                return .close(reason: "\(apiKey.name) v\(version) before the SASL login completed")
            }
        } catch {
            state = .closed
            return .close(reason: "malformed \(apiKey.name) request during the SASL login: \(error)")
        }
    }

    private static func apiKey(of frame: ByteBuffer) -> ApiKey? {
        frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int16.self).flatMap(ApiKey.init(rawValue:))
    }

    private func handshake(
        _ request: SaslHandshakeRequest,
        _ context: RequestContext,
        _ allocator: ByteBufferAllocator
    ) -> Step {
        let enabled = mechanisms.map(\.rawValue)
        guard let mechanism = SaslMechanism(rawValue: request.mechanism), mechanisms.contains(mechanism) else {
            state = .closed
            let response = SaslHandshakeResponse(
                errorCode: KafkaErrorCode.unsupportedSaslMechanism.rawValue,
                mechanisms: enabled
            )
            return .refuse(
                ResponseFrame.encode(response, for: context, allocator: allocator),
                reason:
                    "SASL mechanism '\(request.mechanism)' is not enabled (enabled: \(enabled.joined(separator: ", ")))"
            )
        }
        if let session, session.mechanism != mechanism {
            state = .closed
            let response = SaslHandshakeResponse(
                errorCode: KafkaErrorCode.illegalSaslState.rawValue,
                mechanisms: [session.mechanism.rawValue]
            )
            return .refuse(
                ResponseFrame.encode(response, for: context, allocator: allocator),
                reason: "re-authentication with \(mechanism.rawValue) after a login with \(session.mechanism.rawValue)"
            )
        }
        state = .exchanging(mechanism, newExchange(mechanism), raw: context.apiVersion == 0)
        let response = SaslHandshakeResponse(errorCode: KafkaErrorCode.none.rawValue, mechanisms: enabled)
        return .respond(ResponseFrame.encode(response, for: context, allocator: allocator))
    }

    private func newExchange(_ mechanism: SaslMechanism) -> Exchange {
        guard let scram = mechanism.scram else { return .plain }
        let users = self.users
        return .scram(
            ScramServerExchange(mechanism: scram, decoySecret: users.decoySecret) { user in
                users.credential(user: user, mechanism: scram)
            }
        )
    }

    private func authenticate(
        _ request: SaslAuthenticateRequest,
        mechanism: SaslMechanism,
        exchange: Exchange,
        _ context: RequestContext,
        _ allocator: ByteBufferAllocator
    ) -> Step {
        func answer(_ code: KafkaErrorCode, _ message: String?, _ bytes: [UInt8]) -> ByteBuffer {
            let response = SaslAuthenticateResponse(
                errorCode: code.rawValue,
                errorMessage: message,
                authBytes: ByteBuffer(bytes: bytes),
                sessionLifetimeMs: code == .none ? remainingLifetimeMs : 0
            )
            return ResponseFrame.encode(response, for: context, allocator: allocator)
        }
        let token = Array(request.authBytes.readableBytesView)
        switch advance(token, mechanism: mechanism, exchange: exchange) {
        case .success(.continue(let bytes)):
            return .respond(answer(.none, nil, bytes))
        case .success(.done(let bytes, let principal)):
            return .authenticated(answer(.none, nil, bytes), principal: principal)
        case .failure(let failure):
            return .refuse(answer(.saslAuthenticationFailed, failure.message, []), reason: failure.message)
        }
    }

    /// A v0 client's bare message; answered with a bare, size-prefixed message. A refusal
    /// has no way to say why: the connection just closes.
    private func rawToken(
        _ frame: ByteBuffer,
        mechanism: SaslMechanism,
        exchange: Exchange,
        allocator: ByteBufferAllocator
    ) -> Step {
        guard frame.readableBytes <= Self.maximumFrameBeforeLogin else {
            state = .closed
            return .close(
                reason: "a \(frame.readableBytes)-byte SASL message (at most \(Self.maximumFrameBeforeLogin))"
            )
        }
        func framed(_ bytes: [UInt8]) -> ByteBuffer {
            var buffer = allocator.buffer(capacity: 4 + bytes.count)
            buffer.writeInteger(Int32(bytes.count))
            buffer.writeBytes(bytes)
            return buffer
        }
        switch advance(Array(frame.readableBytesView), mechanism: mechanism, exchange: exchange) {
        case .success(.continue(let bytes)):
            return .respond(framed(bytes))
        case .success(.done(let bytes, let principal)):
            return .authenticated(framed(bytes), principal: principal)
        case .failure(let failure):
            return .refuse(nil, reason: failure.message)
        }
    }

    /// What SaslAuthenticate reports as the session's lifetime: 0 while the session has no
    /// end (or before it began).
    private var remainingLifetimeMs: Int64 {
        guard case .authenticated = state, let expires = session?.expires else { return 0 }
        return max(1, (expires - now).nanoseconds / 1_000_000)
    }

    private enum Progress {
        case `continue`([UInt8])
        case done([UInt8], KafkaPrincipal)
    }

    /// Feeds one client message to the mechanism.
    private func advance(
        _ token: [UInt8],
        mechanism: SaslMechanism,
        exchange: Exchange
    ) -> Result<Progress, SaslFailure> {
        do throws(SaslFailure) {
            switch exchange {
            case .plain:
                let login = try PlainToken(token)
                attemptedUser = login.user
                guard users.credentials(of: login.user).contains(where: { $0.matches(password: login.password) }) else {
                    throw SaslFailure.invalidCredentials(mechanism)
                }
                return .success(.done([], try begin(KafkaPrincipal(user: login.user), mechanism)))
            case .scram(var scram):
                if attemptedUser == nil {
                    let serverFirst = try scram.respond(toClientFirst: token)
                    attemptedUser = scram.user
                    state = .exchanging(mechanism, .scram(scram), raw: isRaw)
                    return .success(.continue(serverFirst))
                }
                let (user, serverFinal) = try scram.respond(toClientFinal: token)
                return .success(.done(serverFinal, try begin(KafkaPrincipal(user: user), mechanism)))
            }
        } catch {
            state = .closed
            return .failure(error)
        }
    }

    /// A successful login: the session starts (again); a re-authentication must keep the user.
    private func begin(_ principal: KafkaPrincipal, _ mechanism: SaslMechanism) throws(SaslFailure) -> KafkaPrincipal {
        if let session, session.principal != principal {
            throw SaslFailure("re-authentication as \(principal) on a connection of \(session.principal)")
        }
        session = (mechanism, principal, sessionLifetime.map { now + $0 })
        state = .authenticated
        attemptedUser = nil
        return principal
    }

    private var isRaw: Bool {
        if case .exchanging(_, _, let raw) = state { return raw }
        return false
    }
}

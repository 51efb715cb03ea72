import KafkaWire
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Accepts Kafka connections and serves each connection's requests in order.
///
/// Like Kafka, a connection's requests are handled one at a time and answered in the order
/// they came (clients match responses by correlation id but expect that order); different
/// connections run concurrently. `ConnectionLimits` bound what connections may hold (see
/// `RequestFrameReader`, `KafkaConnectionHandler`); `AcceptBackoff` keeps the accept loop
/// from spinning when file descriptors run out.
final class KafkaServer: Sendable {
    private let listener: KafkaListener
    private let limits: ConnectionLimits
    private let saslMechanisms: [SaslMechanism]
    private let users: UserCredentials
    private let failedLoginDelay: TimeAmount
    private let sessionLifetime: TimeAmount?
    /// For TLS listeners: the context every connection's handshake uses.
    private let tls: NIOSSLContext?
    /// The most plaintext one TLS record carries (RFC 8446: 2^14 bytes).
    static let tlsRecordPlaintext = 16 * 1024
    private let handler: RequestHandler
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let logger: Logger

    init(
        listener: KafkaListener,
        limits: ConnectionLimits,
        saslMechanisms: [SaslMechanism],
        users: UserCredentials,
        failedLoginDelay: TimeAmount,
        sessionLifetime: TimeAmount? = nil,
        tls: NIOSSLContext? = nil,
        handler: RequestHandler,
        eventLoopGroup: MultiThreadedEventLoopGroup,
        logger: Logger
    ) {
        self.listener = listener
        self.limits = limits
        self.saslMechanisms = saslMechanisms
        self.users = users
        self.failedLoginDelay = failedLoginDelay
        self.sessionLifetime = sessionLifetime
        self.tls = tls
        self.handler = handler
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Binds the listener and serves until the task is cancelled.
    /// `onBound` receives the bound port (useful with port 0).
    func run(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let limits = self.limits
        let handler = self.handler
        let logger = self.logger
        let listener = self.listener
        let saslMechanisms = self.saslMechanisms
        let users = self.users
        let failedLoginDelay = self.failedLoginDelay
        let sessionLifetime = self.sessionLifetime
        let tls = self.tls
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoff(logger: logger))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Produce frames are often ~1 MiB; reads that can grow that large take a frame
            // in one piece instead of gluing 64 KiB reads together (a copy per frame).
            .childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 16 * 1024, maximum: 1024 * 1024)
            )
            // One read per wake-up: a connection told to wait for the request budget stops
            // after the read that told it, instead of up to three more (megabytes) landing.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        RequestFrameReader(
                            limits: limits,
                            logger: logger,
                            lowWaterMarkSlack: tls == nil ? nil : Self.tlsRecordPlaintext
                        ),
                        KafkaConnectionHandler(
                            handler: handler,
                            listener: listener,
                            authenticator: listener.securityProtocol.usesSasl
                                ? SaslAuthenticator(
                                    mechanisms: saslMechanisms,
                                    users: users,
                                    sessionLifetime: sessionLifetime
                                ) : nil,
                            failedLoginDelay: failedLoginDelay,
                            idleTimeout: limits.idleTimeout,
                            logger: logger
                        )
                    )
                }
            }
            .bind(host: listener.host, port: listener.port)
            .get()
        let boundPort = channel.localAddress?.port ?? listener.port
        let name = listener.securityProtocol.rawValue
        let advertised = "\(listener.advertisedHost):\(listener.advertisedPort)"
        logger.info("Kafka listener \(name) on \(listener.host):\(boundPort), advertised as \(advertised)")
        onBound(boundPort)
        // Serve until cancelled (graceful shutdown), then close the listener and every connection.
        do {
            try await withTaskCancellationHandler {
                try await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {}
        if Task.isCancelled { throw CancellationError() }
    }
}

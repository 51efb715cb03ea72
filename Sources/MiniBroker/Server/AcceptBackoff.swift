import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Slows the listener's accept loop down while the process is out of file descriptors.
///
/// When accept fails with EMFILE or ENFILE the waiting connection stays queued, the listening
/// socket stays readable, and an accept loop that simply tries again spins at a full core
/// without serving anyone. This handler (on the server channel) pauses the listener: 100 ms
/// after the first failure, doubling up to 1 s while failures go on. It logs once when such an
/// episode starts and once when a connection is accepted again, not per attempt.
///
/// NIO's `ServerBootstrap.bind(host:port:)` adds no backoff of its own, and holding back
/// `read()` would not be enough: after a failed accept NIO leaves the read pending and the
/// socket registered for readability. Turning auto-read off unregisters it; turning it back on
/// registers it again.
final class AcceptBackoff: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    static let firstDelay = TimeAmount.milliseconds(100)
    static let longestDelay = TimeAmount.seconds(1)

    private let logger: Logger
    /// The delay after the latest failure; nil outside an episode.
    private var delay: TimeAmount?
    private var failures = 0
    private var resume: Scheduled<Void>?

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if delay != nil {
            logger.info("accepting connections again after \(failures) refused attempts")
            delay = nil
            failures = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let ioError = error as? IOError, Self.isResourceShortage(ioError.errnoCode) else {
            context.fireErrorCaught(error)
            return
        }
        failures += 1
        let next = delay.map { min($0 * 2, Self.longestDelay) } ?? Self.firstDelay
        if delay == nil {
            logger.error(
                """
                cannot accept connections: \(ioError); trying again every \
                \(Self.longestDelay.nanoseconds / 1_000_000) ms at most until descriptors are free (raise the \
                open-files limit, LimitNOFILE=, if this recurs)
                """
            )
        }
        delay = next
        pause(for: next, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }

    private func pause(for delay: TimeAmount, context: ChannelHandlerContext) {
        _ = context.channel.setOption(.autoRead, value: false)
        resume?.cancel()
        resume = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            resume = nil
            _ = context.channel.setOption(.autoRead, value: true)
        }
    }

    /// Errors that say the process or system is out of something accept needs, which time
    /// (clients closing connections) may give back.
    private static func isResourceShortage(_ code: CInt) -> Bool {
        code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
    }
}

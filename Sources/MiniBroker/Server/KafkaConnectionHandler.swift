#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore

/// Serves one connection: request frames in, response frames out, in request order.
///
/// Most requests (Produce, Metadata, offsets...) are answered right here on the connection's
/// event loop, with no thread hop. Requests that must wait (a Fetch for data that has not
/// arrived, a JoinGroup during a rebalance) run as a task; until they finish, later frames
/// queue up, and once a few are queued the handler stops reading from the socket, so a
/// client that pipelines without limit is slowed down instead of filling memory.
final class KafkaConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Queued frames beyond which reading from the socket pauses.
    private static let queueLimit = 16

    private let handler: RequestHandler
    private let logger: Logger
    private var queue = CircularBuffer<ByteBuffer>()
    private var waiting = false
    private var readHeld = false
    private var clientHost = "unknown"

    init(handler: RequestHandler, logger: Logger) {
        self.handler = handler
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        clientHost = context.remoteAddress?.ipAddress ?? "unknown"
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        queue.append(unwrapInboundIn(data))
        if !waiting { serveQueue(context: context) }
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
        logger.warning("closing connection from \(clientHost): \(error)")
        context.close(promise: nil)
    }

    /// Answers queued frames until one has to wait or the queue is empty.
    private func serveQueue(context: ChannelHandlerContext) {
        var wrote = false
        while !waiting, let frame = queue.popFirst() {
            let outcome: RequestOutcome
            do {
                outcome = try handler.handle(frame, clientHost: clientHost, allocator: context.channel.allocator)
            } catch {
                logger.warning("closing connection from \(clientHost): \(error)")
                context.close(promise: nil)
                return
            }
            switch outcome {
            case .respond(let response):
                if let response {
                    write(response, context: context)
                    wrote = true
                }
            case .respondLater(let work):
                waiting = true
                respondLater(work, context: context)
            }
        }
        if wrote { context.flush() }
        if readHeld && queue.count < Self.queueLimit {
            readHeld = false
            context.read()
        }
    }

    /// Writes a response's parts; file regions close their descriptors once written (or when
    /// the write fails because the connection went away).
    private func write(_ response: ResponseBytes, context: ChannelHandlerContext) {
        for part in response.parts {
            guard case .fileRegion(let region) = part else {
                context.write(wrapOutboundOut(part), promise: nil)
                continue
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in try? region.fileHandle.close() }
            context.write(wrapOutboundOut(part), promise: written)
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
                handler.waiting = false
                handler.serveQueue(context: context)
            }
        }
    }
}

import KafkaWire
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Cuts a connection's bytes into request frames, holding memory only within limits.
///
/// NIO's `ByteToMessageHandler` would keep one growing buffer per connection for whatever size a
/// client announces, with no bound across connections: 200 clients that each announce 2 MiB and
/// stop just short of it took the process to over 500 MB. This reader instead:
/// - passes frames that arrived whole within one read on as slices of that read (no copy);
/// - copies a partial frame into one buffer allocated for its announced size (NIO rounds
///   that up to a power of two; pages past the bytes received are never touched);
/// - for a partial frame over 64 KiB, first reserves its size from the listener's
///   `RequestMemoryBudget`; while the reservation waits, it stops reading from the socket;
/// - closes the connection when a request is not complete within `partialRequestTimeout` of
///   its first bytes (a client stalled mid-request would otherwise hold its reservation);
/// - behind TLS, asks the kernel to wake it only once most of a large frame's rest has arrived
///   (`SO_RCVLOWAT`): TLS clients write 16 KiB records one by one, and a read per record made
///   the system calls and acknowledgements cost more than the decryption.
final class RequestFrameReader: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private enum Stage {
        /// Between frames, or part of a size field arrived.
        case header
        /// A large frame's size is known; its body waits for the budget.
        case waitingForBudget(size: Int, ticket: RequestMemoryBudget.Ticket)
        /// Copying a body into `buffer` (allocated for `size`); `reserved` goes back to the budget.
        case body(buffer: ByteBuffer, size: Int, reserved: Int)
        /// The framing failed or the connection closed: nothing more is read.
        case done
    }

    private let decoder: KafkaFrameDecoder
    private let limits: ConnectionLimits
    private let logger: Logger
    private var stage = Stage.header
    /// Bytes read from the socket that are not yet in a frame.
    private var unread: ByteBuffer?
    /// When the first bytes of the request now arriving came; nil between requests.
    private var requestStarted: NIODeadline?
    private var deadline: Scheduled<Void>?
    /// The next handler asked for a read while this one waited for the budget.
    private var readWanted = false
    /// The next handler has not asked for more since the last read: it holds reads because its
    /// queue of requests is full, so a request arriving slowly is not the client's doing.
    private var heldDownstream = false
    private var clientHost = "unknown"
    /// Bytes of a frame's rest that may still be inside the TLS layer, decrypted later than
    /// they arrived (one record); nil where reads are not batched.
    private let lowWaterMarkSlack: Int?
    /// The socket's `SO_RCVLOWAT` now.
    private var lowWaterMark = 1

    /// Frames smaller than this are read as they come.
    static let batchedReadMinimum = 64 * 1024

    /// - Parameter lowWaterMarkSlack: for TLS connections, the most plaintext one undecrypted
    ///   record can hold; reads are then batched with `SO_RCVLOWAT`.
    init(limits: ConnectionLimits, logger: Logger, lowWaterMarkSlack: Int? = nil) {
        self.decoder = KafkaFrameDecoder(maximumFrameSize: limits.maximumFrameSize)
        self.limits = limits
        self.logger = logger
        self.lowWaterMarkSlack = lowWaterMarkSlack
    }

    func channelActive(context: ChannelHandlerContext) {
        clientHost = context.remoteAddress?.ipAddress ?? "unknown"
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .done = stage { return }
        var bytes = unwrapInboundIn(data)
        if var pending = unread {
            unread = nil  // keeps `pending` the only reference, so appending does not copy it
            pending.writeBuffer(&bytes)
            unread = pending
        } else {
            unread = bytes
        }
        advance(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        heldDownstream = true  // until the next handler asks for another read
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        heldDownstream = false
        if case .waitingForBudget = stage {
            readWanted = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    // MARK: - Framing

    /// Moves unread bytes into frames and passes complete frames on, until the bytes run out
    /// or a frame waits for the budget.
    private func advance(context: ChannelHandlerContext) {
        do {
            while try step(context: context) {}
        } catch {
            finish()
            context.fireErrorCaught(error)
            return
        }
        keepOnlyUnreadBytes(context: context)
        trackRequestStart(context: context)
        adjustLowWaterMark(context: context)
    }

    /// Wakes for the rest of a large frame at once, less what the TLS layer may still hold
    /// (bytes that will come anyway, so the wait always ends); byte by byte otherwise.
    private func adjustLowWaterMark(context: ChannelHandlerContext) {
        guard let slack = lowWaterMarkSlack else { return }
        var wanted = 1
        if case .body(let buffer, let size, _) = stage, size - buffer.readableBytes - slack >= Self.batchedReadMinimum {
            wanted = size - buffer.readableBytes - slack
        }
        guard wanted != lowWaterMark else { return }
        lowWaterMark = wanted
        let option = ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_RCVLOWAT))
        _ = try? context.channel.syncOptions?.setOption(option, value: SocketOptionValue(wanted))
    }

    /// Bytes left waiting (part of a size field, or the start of a request waiting for the
    /// budget) are a slice of the read buffer they came in, which would stay alive whole (up to
    /// 1 MiB) and could not be reused for the next read: keep a copy of just those bytes.
    private func keepOnlyUnreadBytes(context: ChannelHandlerContext) {
        guard var rest = unread else { return }
        switch stage {
        case .header, .waitingForBudget:
            var copy = context.channel.allocator.buffer(capacity: rest.readableBytes)
            copy.writeBuffer(&rest)
            unread = copy
        case .body, .done:
            break
        }
    }

    /// One step of `advance`; false when nothing more can be done now.
    private func step(context: ChannelHandlerContext) throws -> Bool {
        switch stage {
        case .done, .waitingForBudget:
            return false
        case .body(var buffer, let size, let reserved):
            guard var input = unread, input.readableBytes > 0 else { return false }
            stage = .header  // drops the stage's reference to `buffer`, so writing does not copy it
            var chunk = input.readSlice(length: min(size - buffer.readableBytes, input.readableBytes))!
            buffer.writeBuffer(&chunk)
            unread = input.readableBytes > 0 ? input : nil
            guard buffer.readableBytes == size else {
                stage = .body(buffer: buffer, size: size, reserved: reserved)
                return false
            }
            if reserved > 0 { limits.requestBudget.release(reserved) }
            deliver(buffer, context: context)
            return true
        case .header:
            guard var input = unread, let size = try decoder.frameSize(in: input) else { return false }
            input.moveReaderIndex(forwardBy: 4)
            if input.readableBytes >= size {
                let frame = input.readSlice(length: size)!
                unread = input.readableBytes > 0 ? input : nil
                deliver(frame, context: context)
                return true
            }
            unread = input
            startBody(size: size, context: context)
            return true
        }
    }

    private func deliver(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        requestStarted = nil
        context.fireChannelRead(wrapInboundOut(frame))
    }

    /// A frame that did not arrive whole: small ones are received at once, large ones once the
    /// budget has room for them.
    private func startBody(size: Int, context: ChannelHandlerContext) {
        guard size > ConnectionLimits.unbudgetedFrameSize else {
            stage = .body(buffer: context.channel.allocator.buffer(capacity: size), size: size, reserved: 0)
            return
        }
        let bound = NIOLoopBound((reader: self, context: context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let reservation = limits.requestBudget.reserve(size) {
            eventLoop.execute {
                let (reader, context) = bound.value
                reader.budgetGranted(size: size, context: context)
            }
        }
        switch reservation {
        case .granted:
            stage = .body(buffer: context.channel.allocator.buffer(capacity: size), size: size, reserved: size)
        case .waiting(let ticket):
            stage = .waitingForBudget(size: size, ticket: ticket)
        }
    }

    private func budgetGranted(size: Int, context: ChannelHandlerContext) {
        guard case .waitingForBudget = stage else {
            limits.requestBudget.release(size)  // the connection closed meanwhile
            return
        }
        stage = .body(buffer: context.channel.allocator.buffer(capacity: size), size: size, reserved: size)
        advance(context: context)
        if readWanted, case .body = stage {
            readWanted = false
            context.read()
        }
    }

    /// Gives back what the connection holds; nothing more is read.
    private func finish() {
        switch stage {
        case .body(_, _, let reserved) where reserved > 0:
            limits.requestBudget.release(reserved)
        case .waitingForBudget(_, let ticket):
            // When the bytes were granted meanwhile, `budgetGranted` gives them back.
            _ = limits.requestBudget.cancel(ticket)
        default:
            break
        }
        stage = .done
        unread = nil
        requestStarted = nil
        deadline?.cancel()
        deadline = nil
    }

    // MARK: - Deadline of a request arriving

    private var requestIsArriving: Bool {
        switch stage {
        case .body, .waitingForBudget: return true
        case .header: return (unread?.readableBytes ?? 0) > 0
        case .done: return false
        }
    }

    private func trackRequestStart(context: ChannelHandlerContext) {
        guard requestIsArriving else {
            requestStarted = nil
            return
        }
        if requestStarted == nil {
            let now = context.eventLoop.now
            requestStarted = now
            armDeadline(at: now + limits.partialRequestTimeout, context: context)
        }
    }

    /// One timer per connection at most; when it fires for a request that has since arrived,
    /// it re-arms for the one arriving now.
    private func armDeadline(at time: NIODeadline, context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) { [self] in
            deadline = nil
            deadlinePassed(context: context)
        }
    }

    private func deadlinePassed(context: ChannelHandlerContext) {
        guard let started = requestStarted else { return }
        let now = context.eventLoop.now
        if heldDownstream {
            // Reads are held behind the connection's own queued requests: the clock restarts.
            requestStarted = now
            armDeadline(at: now + limits.partialRequestTimeout, context: context)
        } else if now - started >= limits.partialRequestTimeout {
            logger.warning(
                """
                closing connection from \(clientHost): request incomplete after \
                \(limits.partialRequestTimeout.nanoseconds / 1_000_000) ms (\(progress))
                """
            )
            finish()
            context.close(promise: nil)
        } else {
            armDeadline(at: started + limits.partialRequestTimeout, context: context)
        }
    }

    /// How far the request now arriving got, for the log.
    private var progress: String {
        switch stage {
        case .body(let buffer, let size, _):
            return "\(buffer.readableBytes) of \(size) bytes arrived"
        case .waitingForBudget(let size, _):
            return "waiting for memory for \(size) bytes"
        case .header, .done:
            return "\(unread?.readableBytes ?? 0) bytes of a size field arrived"
        }
    }
}

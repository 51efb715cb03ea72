import HTTPTypes
import NIOCore

/// The first handler of every dashboard connection, in front of the HTTP decoder: it watches
/// the bytes of each request head, which the decoder cannot do for us.
///
/// - A request line longer than the URI limit is answered 414, a head longer than the head
///   limit 431 (the decoder would drop the connection without a word, after buffering it).
/// - A head must arrive whole within the header timeout of its first byte (a slow client
///   holding a connection with a partial head is answered 408 and closed); a new connection
///   that sends nothing for the header timeout is closed.
/// - A kept-alive connection with no request under way is closed after the idle timeout, and
///   at once when the server quiesces (shutdown).
///
/// Between a head and the end of its exchange the guard only passes bytes on: the body is the
/// router's business (`BodyLimitHandler` behind the decoder says when the exchange is over),
/// and an upgraded WebSocket never becomes HTTP again. A rejected connection is half-closed
/// after the answer and what the client still sends is read and dropped for a moment, so the
/// client reads the answer instead of a reset.
final class RequestHeadGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The limits and timeouts, from `DashboardConfiguration`.
    struct Limits: Sendable {
        var maxRequestLine: Int
        var maxHead: Int
        var headerTimeout: TimeAmount
        var idleTimeout: TimeAmount
    }

    private enum Phase {
        /// Waiting for a head; `started` once its first byte came.
        case awaitingHead(started: Bool)
        /// A head went through; its body and answer are under way (or it became a WebSocket).
        case inExchange
        /// Answered with an error; everything inbound is dropped until the close.
        case rejected
    }

    /// How long a rejected connection keeps reading (and dropping) before it closes.
    static let linger = TimeAmount.seconds(2)

    private let limits: Limits
    private var phase = Phase.awaitingHead(started: false)
    private var headBytes = 0
    private var requestLineEnded = false
    /// How much of `\r\n\r\n` the last bytes matched.
    private var terminatorMatched = 0
    private var timer: Scheduled<Void>?

    init(limits: Limits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startTimer(context, after: limits.headerTimeout, firing: .headerTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context, after: limits.headerTimeout, firing: .headerTimeout)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .rejected:
            return
        case .inExchange:
            context.fireChannelRead(data)
        case .awaitingHead(let started):
            let buffer = unwrapInboundIn(data)
            if !started && buffer.readableBytes > 0 {
                phase = .awaitingHead(started: true)
                startTimer(context, after: limits.headerTimeout, firing: .headerTimeout)
            }
            switch scan(buffer) {
            case .complete:
                phase = .inExchange
                cancelTimer()
            case .incomplete:
                break
            case .rejected(let status, let code, let message):
                reject(context: context, status: status, code: code, message: message)
                return
            }
            context.fireChannelRead(data)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, case .awaitingHead(started: false) = phase {
            // Nothing under way: nothing to finish before closing.
            shut(context)
            return
        }
        if case .rejected = phase, let event = event as? ChannelEvent, event == .inputClosed {
            shut(context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The exchange whose head went through is over (request read, answer written): the next
    /// bytes start a new head, and until they come the connection is idle.
    func exchangeFinished(context: ChannelHandlerContext) {
        guard case .inExchange = phase else { return }
        phase = .awaitingHead(started: false)
        headBytes = 0
        requestLineEnded = false
        terminatorMatched = 0
        startTimer(context, after: limits.idleTimeout, firing: .idleTimeout)
    }

    /// Answers `status` with the API's JSON error, half-closes, and drops the rest.
    func reject(context: ChannelHandlerContext, status: HTTPResponse.Status, code: String, message: String) {
        guard context.channel.isActive else { return }
        if case .rejected = phase { return }
        phase = .rejected
        cancelTimer()
        let error = APIError(status, code, message)
        let body = error.json.bytes
        var response = context.channel.allocator.buffer(capacity: 256 + body.count)
        response.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        response.writeString("Content-Type: application/json; charset=utf-8\r\n")
        response.writeString("Content-Length: \(body.count)\r\n")
        response.writeString("X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
        response.writeBytes(body)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: Self.linger) {
            let (handler, context) = loopBound.value
            handler.shut(context)
        }
    }

    /// Closes the connection as a client's hang-up would: the handlers behind (the WebSocket
    /// upgrader waiting for a first request, Hummingbird's HTTP handler) take the input's end
    /// as the client leaving, not as an error to log.
    private func shut(_ context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        cancelTimer()
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        context.close(promise: nil)
    }

    private enum Expiry { case headerTimeout, idleTimeout }

    private func startTimer(_ context: ChannelHandlerContext, after delay: TimeAmount, firing expiry: Expiry) {
        cancelTimer()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.expired(expiry, context: context)
        }
    }

    private func expired(_ expiry: Expiry, context: ChannelHandlerContext) {
        guard case .awaitingHead(let started) = phase else { return }
        if expiry == .headerTimeout && started {
            reject(
                context: context,
                status: .requestTimeout,
                code: "request-timeout",
                message: "the request head did not arrive whole within the header timeout"
            )
        } else {
            shut(context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private enum ScanResult {
        case complete
        case incomplete
        case rejected(HTTPResponse.Status, String, String)
    }

    /// Counts `buffer` into the head, looking for the request line's end and the head's.
    private func scan(_ buffer: ByteBuffer) -> ScanResult {
        for byte in buffer.readableBytesView {
            headBytes += 1
            if !requestLineEnded {
                if byte == UInt8(ascii: "\n") {
                    requestLineEnded = true
                } else if headBytes > limits.maxRequestLine {
                    return .rejected(
                        .uriTooLong,
                        "uri-too-long",
                        "the request line is longer than \(limits.maxRequestLine) bytes"
                    )
                }
            }
            if headBytes > limits.maxHead {
                return .rejected(
                    .requestHeaderFieldsTooLarge,
                    "headers-too-large",
                    "the request head is longer than \(limits.maxHead) bytes"
                )
            }
            switch (terminatorMatched, byte) {
            case (0, UInt8(ascii: "\r")), (2, UInt8(ascii: "\r")): terminatorMatched += 1
            case (1, UInt8(ascii: "\n")), (3, UInt8(ascii: "\n")): terminatorMatched += 1
            case (_, UInt8(ascii: "\r")): terminatorMatched = 1
            default: terminatorMatched = 0
            }
            if terminatorMatched == 4 { return .complete }
        }
        return .incomplete
    }
}

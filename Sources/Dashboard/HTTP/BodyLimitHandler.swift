import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Behind the HTTP decoder of a (not upgraded) dashboard connection: a request that declares
/// a body above the limit (`Content-Length`) is answered 413 at once, from its head, instead
/// of the server waiting for a body it will refuse anyway; the router never sees it. A body
/// without a declared length (chunked) is still cut at the limit by the routes.
///
/// It also tells the connection's `RequestHeadGuard` when an exchange is over (the request
/// read to its end and the answer written), so the guard watches the next head and the idle time.
final class BodyLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let bodyLimit: Int
    private var headGuard: RequestHeadGuard?
    private var guardContext: ChannelHandlerContext?
    private var requestEnded = false
    private var responseEnded = false
    private var refused = false

    init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guardContext = try? context.pipeline.syncOperations.context(handlerType: RequestHeadGuard.self)
        headGuard = guardContext?.handler as? RequestHeadGuard
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headGuard = nil
        guardContext = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            requestEnded = false
            responseEnded = false
            if let declared = head.headerFields[.contentLength].flatMap({ Int($0) }), declared > bodyLimit,
                let headGuard, let guardContext
            {
                refused = true
                headGuard.reject(
                    context: guardContext,
                    status: .contentTooLarge,
                    code: "body-too-large",
                    message: "the request body of \(declared) bytes is over the limit of \(bodyLimit) bytes"
                )
                return
            }
        case .body:
            break
        case .end:
            requestEnded = true
            finishIfDone()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            context.write(data, promise: promise)
            responseEnded = true
            finishIfDone()
        } else {
            context.write(data, promise: promise)
        }
    }

    private func finishIfDone() {
        guard requestEnded, responseEnded, let headGuard, let guardContext else { return }
        requestEnded = false
        responseEnded = false
        headGuard.exchangeFinished(context: guardContext)
    }
}

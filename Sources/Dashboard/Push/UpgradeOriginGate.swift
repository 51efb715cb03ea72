import NIOCore
import NIOHTTP1

/// Sits in front of the WebSocket upgrade handler for a connection's first request: an
/// upgrade from an origin the policy refuses loses its `Upgrade` header, so it is answered
/// as a plain request by the router (403 with a JSON error) instead of being upgraded.
/// Then it leaves the pipeline: a WebSocket has no more HTTP heads, and later requests on a
/// kept-alive connection are never upgraded in place (Hummingbird redirects them to a new
/// connection, which passes this gate again).
final class UpgradeOriginGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let policy: OriginPolicy

    init(policy: OriginPolicy) {
        self.policy = policy
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        if head.headers.contains(name: "upgrade"),
            !policy.allows(origin: head.headers.first(name: "origin"), host: head.headers.first(name: "host"))
        {
            head.headers.remove(name: "upgrade")
            // The decoder already read the request as an upgrade; closing after the answer
            // keeps it from parsing anything else on this connection.
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
        } else {
            context.fireChannelRead(data)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

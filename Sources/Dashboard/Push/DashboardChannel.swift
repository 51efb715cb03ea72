import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The dashboard's connections: HTTP/1.1 with the WebSocket upgrade of HummingbirdWebSocket,
/// plus the Origin gate in front of the upgrade handler, the request head guard in front of
/// the HTTP decoder, and the registry that lets a stop close what is left open.
struct DashboardChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let upgradeChannel: HTTP1WebSocketUpgradeChannel
    let policy: OriginPolicy
    let limits: RequestHeadGuard.Limits
    let connections: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // The setup future completes on the channel's event loop before it reads anything,
        // so the gate is in place before the first request arrives.
        upgradeChannel.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let upgrader = try pipeline.handler(
                type: NIOTypedHTTPServerUpgradeHandler<HTTP1WebSocketUpgradeChannel.UpgradeResult>.self
            )
            try pipeline.addHandler(UpgradeOriginGate(policy: policy), position: .before(upgrader))
            try pipeline.addHandler(RequestHeadGuard(limits: limits), position: .first)
            connections.add(channel)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await upgradeChannel.handle(value: value, logger: logger)
    }
}

import ServiceLifecycle

/// Tells the WebSocket clients the dashboard goes away (close 1001) before the HTTP server
/// begins its own graceful shutdown.
///
/// The order matters: the WebSocket library answers a graceful shutdown of the server by
/// closing each connection with 1000 (normal closure) at once, which would race with the
/// sessions' 1001 and tell some pages that the server meant to end them. Placed after the
/// application in the dashboard's service group, this service is asked to stop first: it
/// ends the hub, waits (briefly) until each session has sent its close, and only then does
/// the group stop the server.
struct WebSocketFarewell: Service {
    let hub: WebSocketHub
    /// How long the sessions get to send their close; one that cannot (its client reads
    /// nothing and its buffers are full) is closed with the others after the grace period.
    let limit: Duration

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the connections are closed without a farewell
        }
        hub.finishAll()
        await hub.waitUntilEverySessionEnded(within: limit)
    }
}

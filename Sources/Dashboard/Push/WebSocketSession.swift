import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// One WebSocket client from connect to close: `initial_data` first, then whatever the hub
/// queues for it. Anything the client sends is read and ignored (reading is also what
/// answers its pings and notices its close).
enum WebSocketSession {
    /// Close code 1013 "try again later": the hub is full.
    static let tryAgainLater = WebSocketErrorCode(codeNumber: 1013)

    static func run(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        hub: WebSocketHub,
        initialData: @Sendable () async -> ByteBuffer
    ) async throws {
        guard let connection = hub.connect() else {
            if hub.isClosed {
                try await outbound.close(.goingAway, reason: "the dashboard is stopping")
            } else {
                try await outbound.close(tryAgainLater, reason: "too many dashboard clients; try again later")
            }
            return
        }
        defer { hub.disconnect(connection.id) }
        // Registered before the first message is made, so no update between the two is lost.
        try await outbound.write(.custom(textFrame(await initialData())))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await _ in inbound {}
            }
            group.addTask {
                for await message in connection.messages {
                    try await outbound.write(.custom(textFrame(message)))
                }
                // The queue ends when the hub shuts down (or the client left, and then this
                // task was cancelled): the client is told the server goes away.
                if !Task.isCancelled {
                    try await outbound.close(.goingAway, reason: "the dashboard is stopping")
                }
            }
            // Whichever ends first (the client left, or the hub shut down) ends the other.
            try await group.next()
            group.cancelAll()
        }
    }

    private static func textFrame(_ message: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: message)
    }
}

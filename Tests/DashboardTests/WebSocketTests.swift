import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle
import Synchronization
import Testing

@testable import Dashboard

@Suite("WebSocket /ws over a live server")
struct WebSocketTests {
    @Test func initialDataFirstThenUpdates() async throws {
        // Hummingbird's test client sends `Origin: ws://localhost`, which is not the page's host.
        let dashboard = TestDashboard(allowedOrigins: ["ws://localhost"])
        let events = Mutex<[String]>([])
        _ = try await dashboard.server.makeApplication().test(.live) { client in
            try await client.ws("/ws") { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                guard case .text(let first) = try await messages.next() else { return }
                events.withLock { $0.append(first) }
                dashboard.snapshots.publish(TestSnapshots.make())
                for _ in 0..<4 {
                    guard case .text(let text) = try await messages.next() else { return }
                    events.withLock { $0.append(text) }
                }
            }
        }
        let received = events.withLock { $0 }
        try #require(received.count == 5)
        #expect(received[0].hasPrefix(#"{"event":"initial_data","data":{"top_products":[]"#))
        #expect(received[0].contains(#""services":{"overall_status":"healthy""#))
        #expect(received[1].hasPrefix(#"{"event":"snapshot_update""#))
        #expect(received[2].hasPrefix(#"{"event":"top_products_update""#))
        #expect(received[4].hasPrefix(#"{"event":"raw_orders_update""#))
    }

    @Test func clientsPastTheLimitAreClosedWith1013() async throws {
        let dashboard = TestDashboard(maxClients: 0, allowedOrigins: ["ws://localhost"])
        _ = try await dashboard.server.makeApplication().test(.live) { client in
            let close = try await client.ws("/ws") { inbound, _, _ in
                for try await _ in inbound {}
            }
            #expect(close?.closeCode == .unknown(1013))
        }
    }

    /// The server's own graceful shutdown closes WebSockets with 1000 (normal closure); the
    /// dashboard's stop must reach every client first, with 1001 (going away).
    @Test func aStopTellsEveryClientTheServerGoesAway() async throws {
        let clients = 20
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let (opened, openedSink) = AsyncStream.makeStream(of: Void.self)
        // The client sends the host without the port as its Origin.
        let dashboard = TestDashboard(allowedOrigins: ["ws://127.0.0.1"]) { portSink.yield($0) }
        let services = ServiceGroup(configuration: .init(services: [dashboard.server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { running in
            running.addTask { try await services.run() }
            var nextPort = ports.makeAsyncIterator()
            let port = try #require(await nextPort.next())
            try await withThrowingTaskGroup(of: WebSocketErrorCode?.self) { sessions in
                for _ in 0..<clients {
                    sessions.addTask {
                        do {
                            let close = try await WebSocketClient.connect(
                                url: "ws://127.0.0.1:\(port)/ws",
                                logger: Logger(label: "test")
                            ) { inbound, _, _ in
                                var messages = inbound.makeAsyncIterator()
                                let initialData = try? await messages.next()
                                // Counted also when nothing came: the close code then says why.
                                openedSink.yield()
                                guard initialData != nil else { return }
                                while try await messages.next() != nil {}
                            }
                            return close?.closeCode
                        } catch {
                            openedSink.yield()  // the test ends, with this error
                            throw error
                        }
                    }
                }
                var nextOpened = opened.makeAsyncIterator()
                for _ in 0..<clients { await nextOpened.next() }
                // Messages still queued when the stop comes keep the sessions writing a while.
                for _ in 0..<8 {
                    dashboard.server.api.hub.broadcast(ByteBuffer(repeating: UInt8(ascii: "x"), count: 16_000))
                }
                await services.triggerGracefulShutdown()
                for try await code in sessions {
                    #expect(code == .goingAway)
                }
            }
            try await running.next()
        }
    }
}

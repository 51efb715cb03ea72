import HummingbirdTesting
import HummingbirdWSTesting
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
}

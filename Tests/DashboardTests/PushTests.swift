import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import Analyzer
@testable import Dashboard

@Suite("WebSocket hub: bounded queues, client limit; Origin policy")
struct PushTests {
    @Test func aSlowClientKeepsOnlyTheNewestMessages() async throws {
        let hub = WebSocketHub(maxClients: 10, queueLength: 16)
        let slow = try #require(hub.connect())
        for number in 0..<40 { hub.broadcast(ByteBuffer(string: "\(number)")) }
        hub.disconnect(slow.id)
        var received: [String] = []
        for await message in slow.messages { received.append(String(buffer: message)) }
        #expect(received == (24..<40).map(String.init))
        #expect(hub.droppedMessages == 24)
    }

    @Test func aBroadcastNeverWaitsForAClient() async throws {
        let hub = WebSocketHub(maxClients: 1000, queueLength: 16)
        let clients = (0..<1000).compactMap { _ in hub.connect() }
        #expect(clients.count == 1000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<100 { hub.broadcast(ByteBuffer(string: "snapshot")) }
        }
        // 100,000 deliveries into full queues, nobody reading: still quick.
        #expect(elapsed < .seconds(5))
        #expect(hub.droppedMessages == 1000 * (100 - 16))
    }

    @Test func theFarewellEndsEverySessionBeforeTheServerIsAskedToStop() async throws {
        let hub = WebSocketHub(maxClients: 10, queueLength: 4)
        let session = try #require(hub.connect())
        let events = StopEvents()
        let (started, startedSink) = AsyncStream.makeStream(of: Void.self)
        let server = StopProbe(started: startedSink) { events.append("server asked to stop") }
        let services = ServiceGroup(
            configuration: .init(
                services: [server, WebSocketFarewell(hub: hub, limit: .seconds(600))],
                logger: Logger(label: "test")
            )
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await services.run() }
            tasks.addTask {
                // The session: its queue ends at the stop; it sends its close (which takes a
                // while when the client is slow), then ends.
                for await _ in session.messages {}
                try await Task.sleep(for: .milliseconds(50))
                events.append("session closed")
                hub.disconnect(session.id)
            }
            var running = started.makeAsyncIterator()
            await running.next()
            await services.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(events.all == ["session closed", "server asked to stop"])
        #expect(hub.isClosed)
    }

    @Test func theHubRefusesClientsPastItsLimit() {
        let hub = WebSocketHub(maxClients: 2, queueLength: 16)
        let first = hub.connect()
        #expect(hub.connect() != nil)
        #expect(hub.connect() == nil)
        #expect(hub.refusedClients == 1)
        hub.disconnect(first!.id)
        #expect(hub.connect() != nil)
    }

    @Test(
        arguments: [
            (nil, "localhost:5005", [], true),
            ("http://localhost:5005", "localhost:5005", [], true),
            ("http://LOCALHOST:5005/", "localhost:5005", [], true),
            ("http://evil.example", "localhost:5005", [], false),
            ("http://localhost:5006", "localhost:5005", [], false),
            ("http://projector.local:8080", "10.0.0.2:5005", ["http://projector.local:8080"], true),
            ("http://anything", "localhost:5005", ["*"], true),
            ("null", "localhost:5005", [], false),
        ] as [(String?, String, [String], Bool)]
    )
    func originPolicy(origin: String?, host: String, allowed: [String], expected: Bool) {
        #expect(OriginPolicy(allowedOrigins: allowed).allows(origin: origin, host: host) == expected)
    }

    @Test func eventsAreNamedAndAlertsOnlyWhenTheyChange() throws {
        let first = TestSnapshots.make(sequence: 1)
        let names = PushEvents.updates(after: nil, first).map { String(buffer: $0).prefix(40) }
        #expect(names.count == 4)
        #expect(names[0].hasPrefix(#"{"event":"snapshot_update","data":{"#))
        #expect(names[1].hasPrefix(#"{"event":"top_products_update""#))
        #expect(names[2].hasPrefix(#"{"event":"categories_update""#))
        #expect(names[3].hasPrefix(#"{"event":"raw_orders_update""#))
        let snapshot = String(buffer: PushEvents.updates(after: nil, first)[0])
        #expect(!snapshot.contains(#""products":"#))
        let alert = Alert(
            kind: .rising,
            subject: "PROD-001",
            windowStartMicros: 0,
            value: 30,
            baselineTenThousandths: 50_000,
            message: "rising"
        )
        let second = TestSnapshots.make(sequence: 2, alerts: [alert])
        #expect(PushEvents.updates(after: first, second).count == 5)
        #expect(PushEvents.updates(after: second, TestSnapshots.make(sequence: 3, alerts: [alert])).count == 4)
    }
}

/// Stands for the HTTP server in a farewell's service group: notes when it is asked to stop.
private struct StopProbe: Service {
    let started: AsyncStream<Void>.Continuation
    let onStop: @Sendable () -> Void

    func run() async throws {
        started.yield()
        try await gracefulShutdown()
        onStop()
    }
}

/// What happened during a stop, in order.
private final class StopEvents: Sendable {
    private let events = Mutex<[String]>([])

    func append(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
}

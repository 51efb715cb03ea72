import Analyzer
import ServiceLifecycle

/// Feeds the WebSocket hub: each published snapshot's events, and `service_status_update`
/// when a component's state changes (checked every second) and at least every status
/// interval. Runs beside the HTTP server in the dashboard's application.
struct PushService: Service {
    let api: DashboardAPI

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await pushSnapshots() }
                group.addTask { await pushServiceStatus() }
            }
        } onGracefulShutdown: { [hub = api.hub] in
            hub.finishAll()
        }
    }

    /// Until the server stops. The analyzer finishes the publisher when it stops; a restarted
    /// analyzer publishes into it again, so the subscription is renewed.
    private func pushSnapshots() async {
        var previous: AnalyticsSnapshot?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for await snapshot in api.snapshots.subscribe().cancelOnGracefulShutdown() {
                // The renewed subscription starts with the latest snapshot, maybe one already sent.
                if snapshot.sequence == previous?.sequence && snapshot.generatedAtMicros == previous?.generatedAtMicros
                {
                    continue
                }
                for message in PushEvents.updates(after: previous, snapshot) { api.hub.broadcast(message) }
                previous = snapshot
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func pushServiceStatus() async {
        var lastStates: [String] = []
        var lastSent = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .seconds(1))
            let states = await api.control.componentStatuses().map { "\($0.name)=\($0.state.rawValue)" }
            let due = ContinuousClock.now - lastSent >= api.configuration.statusInterval
            guard states != lastStates || due else { continue }
            lastStates = states
            lastSent = .now
            if api.hub.clientCount > 0 {
                api.hub.broadcast(PushEvents.serviceStatus(await api.serviceView()))
            }
        }
    }
}

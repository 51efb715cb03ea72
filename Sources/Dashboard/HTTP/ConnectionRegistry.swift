import NIOCore
import Synchronization

/// The dashboard's open connections, HTTP and WebSocket alike, so a stop can close the ones
/// still open when its grace period ends: a client that neither finishes nor hangs up (a
/// browser holding a WebSocket, a kept-alive socket nobody uses) cannot hold the stop up.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var closed = false
        var deadline: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Tracks `channel` until it closes; one that opens after `closeAll` is closed at once.
    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let closed = state.withLock { state in
            if !state.closed { state.channels[id] = channel }
            return state.closed
        }
        if closed {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLock { $0.channels.removeValue(forKey: id) }
        }
    }

    /// Closes every connection still open, and each one opened from now on.
    func closeAll() {
        let channels = state.withLock { state in
            state.closed = true
            return Array(state.channels.values)
        }
        for channel in channels {
            // As a hang-up: the handlers end quietly instead of logging a failed upgrade.
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            channel.close(promise: nil)
        }
    }

    /// Closes every connection still open `grace` from now (reported to `report` with their
    /// number, when there are any), unless `cancelDeadline` comes first.
    func closeAll(after grace: Duration, report: @escaping @Sendable (Int) -> Void) {
        let task = Task { [self] in
            guard (try? await Task.sleep(for: grace)) != nil else { return }
            let open = count
            if open > 0 { report(open) }
            closeAll()
        }
        state.withLock { state in
            state.deadline?.cancel()
            state.deadline = task
        }
    }

    /// Drops the deadline set by `closeAll(after:report:)` (the server ended before it).
    func cancelDeadline() {
        state.withLock { state in
            state.deadline?.cancel()
            state.deadline = nil
        }
    }

    /// Connections open now.
    var count: Int { state.withLock { $0.channels.count } }
}

import Synchronization

/// Wakes fetches that wait for data (Fetch long polling, `max_wait_ms` / `min_bytes`).
///
/// A fetch reads the `version` first, reads the logs, and when it has too little data waits
/// with that version: any append after it (even one that landed between the read and the
/// wait) wakes it at once, so no append is missed. Waiters are woken on any partition's
/// append and simply read again; that keeps this small and is cheap at our scale.
final class AppendNotifier: Sendable {
    private struct State {
        var version: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waiters whose timeout fired before they registered: they must not wait.
        var expired: Set<UInt64> = []
    }

    private let state = Mutex(State())

    init() {}

    /// The current append version; pass it to `wait(after:timeoutNanoseconds:)`.
    var version: UInt64 { state.withLock { $0.version } }

    /// Records an append and wakes every waiting fetch.
    func notifyAppend() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.version &+= 1
            defer { state.waiters.removeAll(keepingCapacity: true) }
            return Array(state.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns when an append happened after `version`, or after the timeout, whichever is first.
    func wait(after version: UInt64, timeoutNanoseconds: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.version != version || state.expired.contains(id) { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: timeoutNanoseconds)
                self.cancelWaiter(id)
            }
            await group.next()
            group.cancelAll()
            self.cancelWaiter(id)
        }
        _ = state.withLock { $0.expired.remove(id) }
    }

    /// Resumes the waiter `id` if it is still registered (timeout or cancellation).
    private func cancelWaiter(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let continuation = state.waiters.removeValue(forKey: id) else {
                state.expired.insert(id)
                return nil
            }
            return continuation
        }
        continuation?.resume()
    }
}

import NIOCore
import Synchronization

/// Wakes the producer's sender task: when a batch opens or fills, a request completes, or a
/// flush or close begins; or when a timer set by the sender expires. A wake-up that arrives
/// while the sender is busy is kept, so none is lost.
final class SenderSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the sender (or makes its next `wait` return at once).
    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits for `fire`, or until `deadline` (timer on `eventLoop`).
    func wait(until deadline: ContinuousClock.Instant?, eventLoop: any EventLoop) async {
        var timer: Scheduled<Void>?
        if let deadline {
            let delay = max(deadline - .now, .zero)
            timer = eventLoop.scheduleTask(in: TimeAmount(delay)) { [self] in fire() }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer?.cancel()
    }
}

import Synchronization

/// Bytes the broker may hold for requests that are still arriving, shared by all connections
/// (Kafka's `queued.max.request.bytes`).
///
/// A connection that starts receiving a large request reserves its announced size here before
/// reading its body. When the reservation does not fit, the connection waits in line (it stops
/// reading from its socket, so the kernel, not the broker, holds the client's bytes) and is
/// granted the bytes, in arrival order, as other requests finish arriving. A request larger
/// than the whole budget is granted once nothing else is reserved, so that any request within
/// `socket.request.max.bytes` can still be received.
final class RequestMemoryBudget: Sendable {
    /// Identifies a connection waiting in line, to cancel its wait when it closes.
    struct Ticket: Hashable, Sendable {
        fileprivate let number: Int
    }

    /// What `reserve` did.
    enum Reservation: Sendable {
        /// The bytes are reserved; release them when the request has arrived.
        case granted
        /// The connection waits; `onGrant` runs once the bytes are reserved for it.
        case waiting(Ticket)
    }

    private struct Waiter {
        var ticket: Ticket
        var bytes: Int
        var onGrant: @Sendable () -> Void
    }

    private struct State {
        var reserved = 0
        var line: [Waiter] = []
        var nextTicket = 0
    }

    /// The most bytes reserved at once (one request larger than it may be alone over it).
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Bytes reserved now.
    var reservedBytes: Int { state.withLock { $0.reserved } }

    /// Connections waiting for bytes now.
    var waitingCount: Int { state.withLock { $0.line.count } }

    /// Reserves `bytes` now if they fit and nobody waits before; otherwise queues the caller,
    /// whose `onGrant` later runs (on the thread that released the bytes) with them reserved.
    func reserve(_ bytes: Int, onGrant: @escaping @Sendable () -> Void) -> Reservation {
        state.withLock { state in
            if state.line.isEmpty && Self.fits(bytes, reserved: state.reserved, limit: limit) {
                state.reserved += bytes
                return .granted
            }
            let ticket = Ticket(number: state.nextTicket)
            state.nextTicket += 1
            state.line.append(Waiter(ticket: ticket, bytes: bytes, onGrant: onGrant))
            return .waiting(ticket)
        }
    }

    /// Gives back bytes of a request that has arrived (or whose connection closed) and grants
    /// waiting connections, in order, as many as now fit.
    func release(_ bytes: Int) {
        let granted = state.withLock { state in
            state.reserved -= bytes
            precondition(state.reserved >= 0, "released more request bytes than were reserved")
            return Self.grantWaiters(&state, limit: limit)
        }
        for grant in granted {
            grant()
        }
    }

    /// Leaves the line. Returns false when the bytes were granted meanwhile: the grant's
    /// callback is then on its way and must release them.
    func cancel(_ ticket: Ticket) -> Bool {
        let (found, granted) = state.withLock { state -> (Bool, [@Sendable () -> Void]) in
            guard let index = state.line.firstIndex(where: { $0.ticket == ticket }) else { return (false, []) }
            state.line.remove(at: index)
            // The one that left may have been what held the others back.
            return (true, Self.grantWaiters(&state, limit: limit))
        }
        for grant in granted {
            grant()
        }
        return found
    }

    private static func grantWaiters(_ state: inout State, limit: Int) -> [@Sendable () -> Void] {
        var granted: [@Sendable () -> Void] = []
        while let first = state.line.first, fits(first.bytes, reserved: state.reserved, limit: limit) {
            state.line.removeFirst()
            state.reserved += first.bytes
            granted.append(first.onGrant)
        }
        return granted
    }

    private static func fits(_ bytes: Int, reserved: Int, limit: Int) -> Bool {
        reserved == 0 || reserved + bytes <= limit
    }
}

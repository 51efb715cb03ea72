import Synchronization

/// Requests answered, by route pattern, method and status, for `/metrics`.
final class HTTPCounters: Sendable {
    struct Key: Hashable, Sendable {
        var route: String
        var method: String
        var status: Int
    }

    private let counts = Mutex<[Key: Int]>([:])

    func count(route: String, method: String, status: Int) {
        counts.withLock { $0[Key(route: route, method: method, status: status), default: 0] += 1 }
    }

    /// Every counter, sorted so the metrics text is stable.
    func snapshot() -> [(key: Key, count: Int)] {
        counts.withLock { $0.map { ($0.key, $0.value) } }
            .sorted { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }
    }
}

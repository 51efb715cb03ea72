import Synchronization

/// Produce bytes per second per client (Kafka's `producer_byte_rate` quota), so that one
/// student's flood cannot starve the class.
///
/// Like Kafka, the rate is measured over a window of one-second samples (11 of them) and a
/// client above its quota is told to wait: the response carries the throttle time, and the
/// connection reads nothing more until it has passed (KIP-219), which slows clients that do not
/// honour the field as well. The throttle is what brings the window's rate back to the quota.
final class ProduceQuota: Sendable {
    /// Bytes per second each client may produce.
    let bytesPerSecond: Int64

    static let samples = 11
    /// The longest a client is held at once, however far above its quota.
    static let maximumThrottleMilliseconds: Int64 = 10_000
    /// Clients remembered before idle ones are forgotten.
    static let rememberedClients = 10_000

    private let windows = Mutex<[String: RateWindow]>([:])

    init(bytesPerSecond: Int64) {
        self.bytesPerSecond = bytesPerSecond
    }

    /// Records `bytes` produced by `client` at `nowMilliseconds`; returns how long it must wait
    /// (0 when it is within its quota).
    func record(client: String, bytes: Int, nowMilliseconds: Int64) -> Int64 {
        windows.withLock { windows in
            if windows.count > Self.rememberedClients {
                windows = windows.filter { !$0.value.isIdle(at: nowMilliseconds) }
            }
            var window = windows[client] ?? RateWindow()
            window.add(Int64(bytes), at: nowMilliseconds)
            windows[client] = window
            let (total, elapsed) = window.measure(at: nowMilliseconds)
            let rate = Double(total) * 1000 / Double(elapsed)
            guard rate > Double(bytesPerSecond) else { return 0 }
            let throttle = (rate - Double(bytesPerSecond)) / Double(bytesPerSecond) * Double(elapsed)
            return min(Self.maximumThrottleMilliseconds, Int64(throttle.rounded(.up)))
        }
    }

    /// One-second samples of bytes.
    struct RateWindow {
        private var samples: [(second: Int64, bytes: Int64)] = []

        mutating func add(_ bytes: Int64, at milliseconds: Int64) {
            let second = milliseconds / 1000
            samples.removeAll { $0.second <= second - Int64(ProduceQuota.samples) }
            if let last = samples.indices.last, samples[last].second == second {
                samples[last].bytes += bytes
            } else {
                samples.append((second, bytes))
            }
        }

        /// The bytes in the window and the time they span in milliseconds: from the oldest
        /// sample's start, but at least the full window less one sample, as Kafka measures, so
        /// that a client's first second is not read as a burst.
        func measure(at milliseconds: Int64) -> (bytes: Int64, elapsedMilliseconds: Int64) {
            let total = samples.reduce(0) { $0 + $1.bytes }
            let oldest = (samples.first?.second ?? milliseconds / 1000) * 1000
            let minimum = Int64(ProduceQuota.samples - 1) * 1000
            return (total, max(milliseconds - oldest, minimum))
        }

        func isIdle(at milliseconds: Int64) -> Bool {
            (samples.last?.second ?? 0) <= milliseconds / 1000 - Int64(ProduceQuota.samples)
        }
    }
}

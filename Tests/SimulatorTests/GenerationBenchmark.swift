import Foundation
import Testing

@testable import Simulator

/// Informational only: prints how many orders a second one core generates and encodes.
/// Meaningful in release builds; it asserts nothing about speed.
@Suite("Generation throughput (informational)")
struct GenerationBenchmark {
    @Test func floodGenerationAndEncoding() {
        var generator = generator()
        var batch = OrderBatch(capacity: 4096)
        let total = 2_000_000
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            var made = 0
            var now: Int64 = 1_757_169_000_000_000
            while made < total {
                generator.appendOrders(4096, from: now, to: now + 4096, into: &batch)
                bytes += batch.bytes.count
                batch.removeAll()
                made += 4096
                now += 4096
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("simulator benchmark: \(Int(Double(total) / seconds)) orders/s, \(bytes / total) bytes/order")
        #expect(bytes > 0)
    }
}

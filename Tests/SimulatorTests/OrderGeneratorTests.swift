import Testing

@testable import Simulator

@Suite("Order generator")
struct OrderGeneratorTests {
    let now: Int64 = 1_757_169_000_000_000

    @Test func sameSeedSameOrders() {
        var a = generator(seed: 42)
        var b = generator(seed: 42)
        var c = generator(seed: 43)
        let first = (0..<1000).map { _ in a.nextOrder(at: now) }
        #expect(first == (0..<1000).map { _ in b.nextOrder(at: now) })
        #expect(first != (0..<1000).map { _ in c.nextOrder(at: now) })
        #expect(first.map(\.sequence) == Array(1...1000))
    }

    @Test func popularityFollowsTheOriginalWeights() {
        var generator = generator(seed: 7)
        let shares = productShares(&generator, count: 100_000, at: now)
        for (index, share) in shares.enumerated() {
            let expected = (index < 5 ? 10.0 : index < 15 ? 5.0 : 1.0) / 145
            #expect(abs(share - expected) < 0.004, "product \(index + 1): \(share) vs \(expected)")
        }
    }

    @Test func quantitiesAndCustomersFollowTheOriginal() {
        var generator = generator(seed: 3)
        var quantities = [Int: Int]()
        var customers = Set<Int>()
        for _ in 0..<50_000 {
            let order = generator.nextOrder(at: now)
            quantities[order.quantity, default: 0] += 1
            customers.insert(order.customerNumber)
            #expect(order.priceCents == Catalog.standard.products[order.productIndex].priceCents)
        }
        #expect(Set(quantities.keys) == [1, 2, 3, 4, 5])
        for count in quantities.values { #expect(abs(Double(count) / 50_000 - 0.2) < 0.01) }
        #expect(customers.min() == 1 && customers.max() == 1000 && customers.count == 1000)
    }

    @Test(arguments: [0.0, 0.3, 0.7])
    func returningCustomerShare(share: Double) {
        // A pool so large that new customers practically never repeat: every repeat is a return.
        var generator = generator(
            seed: 11,
            customers: .init(count: 100_000_000, returningShare: share, recentCapacity: 50)
        )
        var seen = Set<Int>()
        var returning = 0
        for _ in 0..<20_000 where !seen.insert(generator.nextOrder(at: now).customerNumber).inserted { returning += 1 }
        #expect(abs(Double(returning) / 20_000 - share) < 0.02)
    }

    @Test func ordersAreEncodedWithSpreadTimestamps() {
        var generator = generator()
        var batch = OrderBatch()
        generator.appendOrders(4, from: now, to: now + 1_000_000, into: &batch)
        #expect(batch.records.map(\.timestampMicros) == [now + 250_000, now + 500_000, now + 750_000, now + 1_000_000])
        #expect((0..<4).allSatisfy { isValidOrder(Array(batch.value(at: $0))) })
        #expect(String(decoding: batch.key(at: 3), as: UTF8.self) == "ORDER-T268A001-000004")
    }
}

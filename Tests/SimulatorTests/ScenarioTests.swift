import Testing

@testable import Simulator

@Suite("Scenarios")
struct ScenarioTests {
    let start: Int64 = 1_757_169_000_000_000
    let books = 20..<30

    @Test func flashSaleOnACategoryRaisesItsShareAndCutsItsPrice() throws {
        var generator = generator(seed: 5)
        try generator.start(
            .flashSale(target: .category("Books"), rateMultiplier: 10, discountPercent: 20, duration: .seconds(60)),
            id: ScenarioID(1),
            at: start
        )
        // Books weigh 10 of 145; ten times that is 100 of 235, and only the extra Books orders add rate.
        #expect(abs(generator.rateMultiplier(at: start) - 235.0 / 145) < 1e-9)
        let during = productShares(&generator, count: 50_000, at: start + 1_000_000)
        #expect(abs(books.map { during[$0] }.reduce(0, +) - 100.0 / 235) < 0.01)
        let order = (0..<200).lazy.map { _ in generator.nextOrder(at: self.start) }.first {
            self.books.contains($0.productIndex)
        }!
        let list = Catalog.standard.products[order.productIndex].priceCents
        #expect(order.priceCents == (list * 80 + 50) / 100)

        #expect(generator.advance(to: start + 60_000_000) == [ScenarioID(1)])
        #expect(generator.rateMultiplier(at: start + 60_000_000) == 1)
        let after = productShares(&generator, count: 50_000, at: start + 61_000_000)
        #expect(abs(books.map { after[$0] }.reduce(0, +) - 10.0 / 145) < 0.01)
        #expect(generator.activeScenarios.isEmpty)
    }

    @Test func flashSaleOnAProduct() throws {
        var generator = generator(seed: 6)
        try generator.start(
            .flashSale(target: .product("PROD-060"), rateMultiplier: 50, discountPercent: 50, duration: .seconds(10)),
            id: ScenarioID(1),
            at: start
        )
        let shares = productShares(&generator, count: 50_000, at: start)
        #expect(abs(shares[59] - 50.0 / 194) < 0.01)
        generator.advance(to: start + 10_000_000)
        #expect(abs(productShares(&generator, count: 50_000, at: start)[59] - 1.0 / 145) < 0.003)
    }

    @Test func trafficSpikeMultipliesTheRateForItsDuration() throws {
        var generator = generator()
        try generator.start(.trafficSpike(rateMultiplier: 4, duration: .seconds(30)), id: ScenarioID(1), at: start)
        #expect(generator.rateMultiplier(at: start + 29_000_000) == 4)
        generator.advance(to: start + 29_999_999)
        #expect(generator.activeScenarios.count == 1)
        generator.advance(to: start + 30_000_000)
        #expect(generator.rateMultiplier(at: start + 30_000_000) == 1)
    }

    @Test func viralProductRampsUpThenEnds() throws {
        var generator = generator(seed: 9)
        try generator.start(
            .viralProduct(productID: "PROD-042", peakMultiplier: 100, duration: .seconds(100)),
            id: ScenarioID(1),
            at: start
        )
        let early = productShares(&generator, count: 20_000, at: start)[41]
        generator.advance(to: start + 50_000_000)
        let middle = productShares(&generator, count: 20_000, at: start)[41]
        generator.advance(to: start + 99_000_000)
        let late = productShares(&generator, count: 20_000, at: start)[41]
        #expect(early < 0.02 && middle > 0.2 && late > middle)
        #expect(generator.rateMultiplier(at: start + 99_000_000) > 1.5)
        generator.advance(to: start + 100_000_000)
        #expect(productShares(&generator, count: 20_000, at: start)[41] < 0.02)
    }

    @Test func dailyPatternScalesTheRateByHour() {
        var configuration = generator().configuration
        configuration.dailyPattern = .retail(utcOffsetMinutes: 120)
        let generator = OrderGenerator(configuration: configuration)
        let midnightUTC: Int64 = 1_757_116_800_000_000  // 2025-09-06T00:00Z, 02:00 at +02:00
        #expect(generator.rateMultiplier(at: midnightUTC) == 0.15)
        #expect(generator.rateMultiplier(at: midnightUTC + 17 * 3_600_000_000) == 1.9)
    }

    @Test func unknownTargetsAreRefused() {
        var generator = generator()
        #expect(throws: ScenarioError.self) {
            try generator.start(
                .flashSale(target: .category("Toys"), rateMultiplier: 2, discountPercent: 10, duration: .seconds(1)),
                id: ScenarioID(1),
                at: start
            )
        }
        #expect(throws: ScenarioError.self) {
            try generator.start(
                .viralProduct(productID: "PROD-999", peakMultiplier: 5, duration: .seconds(1)),
                id: ScenarioID(2),
                at: start
            )
        }
        #expect(throws: ScenarioError.self) {
            try generator.start(
                .flashSale(
                    target: .product("PROD-001"),
                    rateMultiplier: 2,
                    discountPercent: 100,
                    duration: .seconds(1)
                ),
                id: ScenarioID(3),
                at: start
            )
        }
    }

    @Test func malformedBurstRecordsAreAllRejected() throws {
        var generator = generator()
        try generator.start(.malformedBurst(count: 40), id: ScenarioID(1), at: start)
        var batch = OrderBatch()
        #expect(generator.appendMalformedDue(at: start, into: &batch) == 40)
        #expect(generator.appendMalformedDue(at: start + 1, into: &batch) == 0)
        #expect((0..<40).allSatisfy { !isValidOrder(Array(batch.value(at: $0))) })
        #expect(Set((0..<40).map { String(decoding: batch.key(at: $0), as: UTF8.self) }).count == 40)
        generator.advance(to: start)
        #expect(generator.activeScenarios.isEmpty)
        // Normal orders around them stay valid.
        generator.appendOrders(10, from: start, to: start + 10, into: &batch)
        #expect((40..<50).allSatisfy { isValidOrder(Array(batch.value(at: $0))) })
    }

    @Test(arguments: MalformedKind.allCases)
    func eachMalformedKindBreaksTheRecord(kind: MalformedKind) {
        let encoder = generator().encoder
        let order = Order(
            sequence: 1,
            productIndex: 0,
            priceCents: 7999,
            quantity: 2,
            customerNumber: 1,
            timestampMicros: start
        )
        for variant in 0..<OrderEncoder.omittableFields.count {
            #expect(!isValidOrder(Array(encoder.malformedJSON(order, kind: kind, variant: variant).utf8)))
        }
    }

    @Test func malformedBurstSpreadsOverItsDuration() throws {
        var generator = generator()
        try generator.start(
            .malformedBurst(count: 10, kinds: [.negativeQuantity], duration: .seconds(10)),
            id: ScenarioID(1),
            at: start
        )
        var batch = OrderBatch()
        #expect(generator.appendMalformedDue(at: start + 5_000_000, into: &batch) == 5)
        generator.advance(to: start + 9_000_000)
        #expect(generator.activeScenarios.count == 1)
        #expect(generator.appendMalformedDue(at: start + 10_000_000, into: &batch) == 5)
        generator.advance(to: start + 10_000_000)
        #expect(generator.activeScenarios.isEmpty)
    }
}

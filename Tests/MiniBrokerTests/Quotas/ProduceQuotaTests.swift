import Testing

@testable import MiniBroker

@Suite("Produce quota: Kafka's windowed rate and the throttle that brings it back")
struct ProduceQuotaTests {
    @Test func withinTheQuotaNobodyWaits() {
        let quota = ProduceQuota(bytesPerSecond: 1000)
        // 5000 bytes at once over the 10 s a new client is measured on: 500 bytes/s.
        #expect(quota.record(client: "a", bytes: 5000, nowMilliseconds: 100_000) == 0)
        #expect(quota.record(client: "a", bytes: 4000, nowMilliseconds: 105_000) == 0)
    }

    @Test func aClientOverItsQuotaWaitsWhatBringsItBack() {
        let quota = ProduceQuota(bytesPerSecond: 1000)
        // 11000 bytes over 10 s: 1100 bytes/s, 10 % over, so a tenth of the window.
        #expect(quota.record(client: "a", bytes: 11_000, nowMilliseconds: 100_000) == 1000)
        // Others are measured on their own.
        #expect(quota.record(client: "b", bytes: 100, nowMilliseconds: 100_000) == 0)
        // Far over: held at most 10 s at once.
        #expect(quota.record(client: "a", bytes: 1_000_000, nowMilliseconds: 100_500) == 10_000)
    }

    @Test func oldSamplesLeaveTheWindow() {
        let quota = ProduceQuota(bytesPerSecond: 1000)
        #expect(quota.record(client: "a", bytes: 50_000, nowMilliseconds: 100_000) > 0)
        // Eleven seconds later the burst is out of the window.
        #expect(quota.record(client: "a", bytes: 1000, nowMilliseconds: 111_000) == 0)
    }
}

import SQLite
import Testing

@testable import Analyzer

#if canImport(Glibc)
import Glibc
#endif

@Suite("Checkpoints")
struct CheckpointStoreTests {
    private func temporaryPath() -> String {
        var template = Array("/tmp/aseed-checkpoint-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        return directory + "/checkpoint.sqlite"
    }

    /// Orders over several partitions and minutes: open and closed windows, a late order, a
    /// duplicate, a malformed record, alerts.
    private func feed(_ driver: inout StateDriver, from first: Int, to last: Int) {
        for index in first..<last {
            let minute = index / 20
            let time = "12:\(minute < 10 ? "0" : "")\(minute):\(index % 60 < 10 ? "0" : "")\(index % 60)"
            driver.order(
                "O\(index)",
                product: "PROD-00\(index % 7 + 1)",
                category: index % 3 == 0 ? "Books" : "Sports",
                price: "\(index % 50).99",
                quantity: index % 4,
                customer: "C\(index % 37)",
                at: time,
                partition: Int32(index % 3)
            )
            if index % 25 == 0 { driver.order("O\(index)", at: time, partition: Int32(index % 3)) }
            if index % 40 == 0 { driver.order("L\(index)", at: "11:00:00", partition: Int32(index % 3)) }
            if index % 33 == 0 { driver.record("not json") }
            if index % 50 == 49 { driver.advance() }
        }
    }

    @Test("a restored state equals the saved one and goes on identically")
    func roundTrip() throws {
        let path = temporaryPath()
        var driver = StateDriver()
        feed(&driver, from: 0, to: 120)
        let store = try CheckpointStore(path: path)
        try store.save(&driver.state)
        feed(&driver, from: 120, to: 170)
        try store.save(&driver.state)

        var restored = StateDriver()
        restored.state = try #require(try CheckpointStore(path: path).load(rules: AggregationRules()))
        #expect(restored.snapshot.json == driver.snapshot.json)
        #expect(restored.state.customers == driver.state.customers)
        #expect(restored.state.dedup.count == driver.state.dedup.count)
        #expect(restored.state.partitions == driver.state.partitions)

        // Both go on with the same records (duplicates of old ids included) to the same result.
        feed(&driver, from: 150, to: 260)
        feed(&restored, from: 150, to: 260)
        #expect(restored.snapshot.json == driver.snapshot.json)
        #expect(driver.snapshot.alerts.isEmpty == false || driver.snapshot.windows.contains { $0.isClosed })
    }

    @Test("a checkpoint is all or nothing: nothing saved means nothing to load")
    func empty() throws {
        #expect(try CheckpointStore(path: temporaryPath()).load(rules: AggregationRules()) == nil)
    }

    @Test("other aggregation settings are refused with advice")
    func otherRules() throws {
        let path = temporaryPath()
        var driver = StateDriver()
        driver.order("A", at: "12:00:00")
        try CheckpointStore(path: path).save(&driver.state)
        var other = AggregationRules()
        other.windowMicros = 30_000_000
        let error = #expect(throws: CheckpointError.self) { try CheckpointStore(path: path).load(rules: other) }
        #expect(error?.message.contains("remove the file") == true)
    }

    @Test("a damaged body is reported, not crashed on")
    func damaged() throws {
        let path = temporaryPath()
        var driver = StateDriver()
        driver.order("A", at: "12:00:00")
        try CheckpointStore(path: path).save(&driver.state)
        let database = try SQLiteDatabase(path: path)
        try database.execute("UPDATE state SET body = substr(body, 1, 40)")
        #expect(throws: CheckpointError.self) { try CheckpointStore(path: path).load(rules: AggregationRules()) }
    }
}

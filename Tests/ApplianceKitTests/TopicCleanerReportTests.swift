import Testing

@testable import ApplianceKit

@Suite("The log cleaner's figures as `aseed topics describe` prints them")
struct TopicCleanerReportTests {
    @Test func theDashboardsFiguresAsATable() throws {
        let body = #"""
            {"name":"users","cleanup_policy":"compact","partitions":[
            {"partition":1,"leader":1,"earliest_offset":0,"latest_offset":5,"size_bytes":100,"messages_per_second":0.0,
             "cleaner":{"dirty_ratio":0.5,"first_dirty_offset":0,"last_cleaning":null,"cleanings":0,
             "total_bytes_reclaimed":0,"last_error":null,"last_error_at":null}},
            {"partition":0,"leader":1,"earliest_offset":0,"latest_offset":500,"size_bytes":2048,
             "messages_per_second":1.5,"cleaner":{"dirty_ratio":0.123,"first_dirty_offset":480,
             "last_cleaning":{"finished_at":"2025-11-24T16:00:00.123000Z","duration_ms":42,"bytes_reclaimed":9000,
             "records_kept":40,"records_removed":440},"cleanings":2,"total_bytes_reclaimed":15000,
             "last_error":"No space left on device","last_error_at":"2025-11-24T16:01:00.000000Z"}}],
            "configs":{"cleanup.policy":"compact"}}
            """#
        let report = try TopicCleanerReport.decode(Array(body.utf8))
        #expect(report.cleanupPolicy == "compact")
        let lines = try #require(report.table).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(
            lines[0] == [
                "PARTITION", "DIRTY-RATIO", "LAST-CLEANED", "TOOK", "RECLAIMED", "TOTAL-RECLAIMED", "REMOVED",
                "CLEANINGS", "LAST-ERROR",
            ]
        )
        #expect(
            lines[1] == [
                "0", "0.12", "2025-11-24T16:00:00Z", "42ms", "9000", "15000", "440", "2", "No", "space", "left", "on",
                "device",
            ]
        )
        #expect(lines[2] == ["1", "0.50", "never", "-", "-", "0", "-", "0", "-"])
    }

    @Test func noTableWithoutFigures() throws {
        let body = #"""
            {"name":"users","cleanup_policy":"compact","partitions":[{"partition":0,"leader":1,"earliest_offset":0,
            "latest_offset":5,"size_bytes":null,"messages_per_second":0.0}],"configs":{}}
            """#
        #expect(try TopicCleanerReport.decode(Array(body.utf8)).table == nil)
        #expect(throws: (any Error).self) { try TopicCleanerReport.decode(Array(#"{"error":"not-found"}"#.utf8)) }
    }

    @Test func ratiosWithTwoDecimals() {
        #expect(TopicCleanerReport.ratio(0) == "0.00")
        #expect(TopicCleanerReport.ratio(0.05) == "0.05")
        #expect(TopicCleanerReport.ratio(0.999) == "1.00")
        #expect(TopicCleanerReport.ratio(1) == "1.00")
    }
}

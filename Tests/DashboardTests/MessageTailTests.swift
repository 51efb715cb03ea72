import KafkaWire
import Logging
import Testing

@testable import Dashboard

@Suite("Message tail")
struct MessageTailTests {
    private static func message(_ offset: Int64, at millis: Int64, key: String?, value: String?) -> ConsoleMessage {
        ConsoleMessage(partition: 0, offset: offset, timestampMillis: millis, key: key, value: value)
    }

    @Test func aFilterMatchesTheKeyOrTheValue() {
        let order = Self.message(1, at: 10, key: "ORDER-7", value: #"{"product_id":"PROD-042"}"#)
        #expect(MessageTail.matches(order, filter: nil))
        #expect(MessageTail.matches(order, filter: "ORDER-7"))
        #expect(MessageTail.matches(order, filter: "PROD-042"))
        #expect(!MessageTail.matches(order, filter: "PROD-043"))
        #expect(!MessageTail.matches(Self.message(2, at: 10, key: nil, value: nil), filter: "ORDER"))
    }

    @Test func theNewestComeFirstByTimestampThenOffset() {
        let messages = [
            Self.message(5, at: 100, key: "a", value: nil),
            Self.message(9, at: 300, key: "b", value: nil),
            Self.message(7, at: 300, key: "c", value: nil),
            Self.message(1, at: 200, key: "d", value: nil),
        ]
        #expect(MessageTail.newestFirst(messages, limit: 3).map(\.key) == ["b", "c", "d"])
        #expect(MessageTail.newestFirst(messages, limit: 10).map(\.offset) == [9, 7, 1, 5])
    }

    @Test func emptyRangesReadNothingWithoutConnecting() async throws {
        // Port 9 (discard) on localhost: any attempt to connect would fail the read.
        let tail = MessageTail(
            topic: "orders",
            filter: nil,
            bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: 9)],
            security: .plaintext,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let messages = try await tail.read([(partition: 0, from: 5, to: 5), (partition: 1, from: 8, to: 3)])
        #expect(messages.isEmpty)
    }
}

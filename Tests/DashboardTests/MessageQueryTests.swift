import KafkaWire
import Logging
import Testing

@testable import Dashboard

@Suite("Message queries")
struct MessageQueryTests {
    private static func message(
        _ offset: Int64,
        at millis: Int64,
        key: String?,
        value: String?,
        headers: [(key: String, value: String)] = []
    ) -> ConsoleMessage {
        ConsoleMessage(partition: 0, offset: offset, timestampMillis: millis, key: key, value: value, headers: headers)
    }

    @Test func aFilterMatchesTheKeyOrTheValue() {
        let order = Self.message(1, at: 10, key: "ORDER-7", value: #"{"product_id":"PROD-042"}"#)
        var query = MessageQuery(topic: "orders")
        #expect(query.matches(order))
        for (text, matches) in [("ORDER-7", true), ("PROD-042", true), ("PROD-043", false)] {
            query.text = text
            #expect(query.matches(order) == matches, "\(text)")
        }
        #expect(!query.matches(Self.message(2, at: 10, key: nil, value: nil)))
    }

    @Test func keyValueHeaderAndTimeMustAllHold() {
        let order = Self.message(
            1,
            at: 1_000,
            key: "ORDER-7",
            value: #"{"product_id":"PROD-042"}"#,
            headers: [("trace", "abc-123"), ("source", "simulator")]
        )
        let cases: [(MessageQuery, Bool)] = [
            (MessageQuery(topic: "t", key: "ORDER"), true),
            (MessageQuery(topic: "t", key: "PROD"), false),
            (MessageQuery(topic: "t", value: "PROD-042"), true),
            (MessageQuery(topic: "t", value: "ORDER"), false),
            (MessageQuery(topic: "t", header: "trace"), true),
            (MessageQuery(topic: "t", header: "trace=abc"), true),
            (MessageQuery(topic: "t", header: "trace=xyz"), false),
            (MessageQuery(topic: "t", header: "missing"), false),
            (MessageQuery(topic: "t", header: "source="), true),
            (MessageQuery(topic: "t", fromMillis: 1_000, toMillis: 1_000), true),
            (MessageQuery(topic: "t", fromMillis: 1_001), false),
            (MessageQuery(topic: "t", toMillis: 999), false),
            (MessageQuery(topic: "t", key: "ORDER", header: "trace=abc", fromMillis: 500), true),
            (MessageQuery(topic: "t", key: "ORDER", header: "trace=abc", fromMillis: 5_000), false),
        ]
        for (query, matches) in cases {
            #expect(query.matches(order) == matches, "\(query)")
        }
        #expect(!MessageQuery(topic: "t").filters)
        #expect(MessageQuery(topic: "t", header: "trace").filters)
    }

    @Test func theNewestComeFirstByTimestampThenOffset() {
        let messages = [
            Self.message(5, at: 100, key: "a", value: nil),
            Self.message(9, at: 300, key: "b", value: nil),
            Self.message(7, at: 300, key: "c", value: nil),
            Self.message(1, at: 200, key: "d", value: nil),
        ]
        #expect(MessageQuery(topic: "t", limit: 3).answer(messages).map(\.key) == ["b", "c", "d"])
        #expect(MessageQuery(topic: "t", limit: 10).answer(messages).map(\.offset) == [9, 7, 1, 5])
        // Read from an offset: the oldest first.
        #expect(MessageQuery(topic: "t", limit: 2, fromOffset: 0).answer(messages).map(\.offset) == [1, 5])
    }

    @Test func emptyRangesReadNothingWithoutConnecting() async throws {
        // Port 9 (discard) on localhost: any attempt to connect would fail the read.
        let tail = MessageTail(
            query: MessageQuery(topic: "orders"),
            bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: 9)],
            security: .plaintext,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let messages = try await tail.read([(partition: 0, from: 5, to: 5), (partition: 1, from: 8, to: 3)])
        #expect(messages.isEmpty)
    }

    @Test func csvCellsAreQuotedAndFormulasDefused() {
        #expect(MessageCSV.cell("plain") == "plain")
        #expect(MessageCSV.cell("a,b") == "\"a,b\"")
        #expect(MessageCSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(MessageCSV.cell("two\nlines") == "\"two\nlines\"")
        #expect(MessageCSV.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(MessageCSV.cell("-1") == "'-1")
        let text = MessageCSV.text([
            ConsoleMessage(partition: 1, offset: 7, timestampMillis: 0, key: nil, value: "v", headers: [("h", "x,y")])
        ])
        #expect(
            text == "partition,offset,timestamp,key,value,headers\r\n"
                + "1,7,1970-01-01T00:00:00.000000Z,,v,\"{\"\"h\"\":\"\"x,y\"\"}\"\r\n"
        )
    }
}

@Suite("Form-encoded query strings")
struct FormQueryTests {
    @Test(arguments: [
        ("value+7", "value 7"), ("a%2Bb", "a+b"), ("%E2%82%AC+5", "€ 5"), ("100%", "100%"), ("%zz", "%zz"),
        ("%4", "%4"), ("", ""), ("%FF", "\u{FFFD}"),
    ])
    func decodesLikeABrowserEncodes(raw: String, decoded: String) {
        #expect(FormQuery.decode(raw[...]) == decoded)
    }
}

import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Request tap: bounded, sampled, idle without a viewer")
struct RequestTapTests {
    static let frame: ByteBuffer = {
        var body = ByteBuffer()
        RequestHeader(requestApiKey: ApiKey.metadata.rawValue, requestApiVersion: 12, correlationId: 9, clientId: "t")
            .write(to: &body, version: 2)
        MetadataRequest(topics: [.init(name: "orders")], allowAutoTopicCreation: false).write(to: &body, version: 12)
        return body
    }()

    @Test func itIsWatchedOnlyUntilTheViewersLastPollRunsOut() {
        let tap = RequestTap()
        #expect(!tap.isWatched(atMillis: 1_000))
        tap.watch(untilMillis: 5_000)
        #expect(tap.isWatched(atMillis: 4_999))
        #expect(!tap.isWatched(atMillis: 5_000))
    }

    @Test func atMostTheSamplingRateIsKeptEachSecondAndTheRestCounted() {
        let tap = RequestTap()
        for index in 0..<(RequestTap.samplesPerSecond + 5) {
            _ = tap.capture(Self.frame, atMillis: 10_000 + Int64(index), keepRaw: true)
        }
        #expect(tap.view(after: 0).entries.count == RequestTap.samplesPerSecond)
        #expect(tap.view(after: 0).skipped == 5)
        // The next second keeps again.
        #expect(tap.capture(Self.frame, atMillis: 11_000, keepRaw: true) != nil)
    }

    @Test func theRingKeepsTheNewestAndARequestIsDecoded() throws {
        let tap = RequestTap()
        let seconds = Int64(RequestTap.capacity / RequestTap.samplesPerSecond + 2)
        for second in 0..<seconds {
            for index in 0..<Int64(RequestTap.samplesPerSecond) {
                // Raw bytes kept in even seconds only.
                _ = tap.capture(Self.frame, atMillis: second * 1000 + index, keepRaw: second % 2 == 0)
            }
        }
        let captured = Int(seconds) * RequestTap.samplesPerSecond
        let entries = tap.view(after: 0).entries
        #expect(entries.map(\.sequence) == Array((captured - RequestTap.capacity + 1)...captured))
        #expect(tap.entry(1) == nil)
        let entry = try #require(entries.last)
        #expect(entry.apiKey == ApiKey.metadata.rawValue)
        #expect(entry.apiVersion == 12)
        #expect(entry.correlationID == 9)
        #expect(entry.topics == "orders")
        #expect(entry.decoded.contains("allowAutoTopicCreation: false"))
        #expect(!entry.finished)
        // The last second (16) kept raw bytes, the one before did not.
        #expect(seconds - 1 == 16)
        #expect(entry.raw == Array(Self.frame.readableBytesView))
        let withoutRaw = try #require(tap.entry(captured - RequestTap.samplesPerSecond))
        #expect(withoutRaw.raw.isEmpty)
    }

    @Test func aFrameThatDoesNotDecodeSaysWhy() {
        var garbage = ByteBuffer()
        garbage.writeInteger(ApiKey.produce.rawValue)
        garbage.writeInteger(Int16(9))
        garbage.writeInteger(Int32(1))
        garbage.writeInteger(Int16(-1))
        let entry = RequestTap.entry(for: garbage, atMillis: 0, keepRaw: true)
        #expect(entry.decoded.first?.hasPrefix("not decoded:") == true)
        let unknown = RequestTap.entry(
            for: ByteBuffer(bytes: [0x03, 0xE7, 0, 0, 0, 0, 0, 1]),
            atMillis: 0,
            keepRaw: false
        )
        #expect(unknown.decoded == ["not decoded: unknown API key 999"])
        #expect(unknown.raw.isEmpty)
    }
}

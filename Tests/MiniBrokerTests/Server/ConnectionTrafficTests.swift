import KafkaWire
import Testing

@testable import MiniBroker

@Suite("What a connection's fetches tell")
struct ConnectionTrafficTests {
    @Test func positionsAndReadCommittedFetchesAreNoted() {
        let traffic = ConnectionTraffic()
        func fetch(isolation: Int8, offset: Int64) -> FetchRequest {
            FetchRequest(
                isolationLevel: isolation,
                topics: [.init(topic: "orders", partitions: [.init(partition: 1, fetchOffset: offset)])]
            )
        }
        traffic.fetching(fetch(isolation: 0, offset: 5))
        #expect(traffic.current.readCommittedFetches == 0)
        traffic.fetching(fetch(isolation: 1, offset: 9))
        traffic.fetching(fetch(isolation: 1, offset: 12))
        #expect(traffic.current.readCommittedFetches == 2)
        #expect(traffic.current.fetchPositions == [KafkaTopicPartition(topic: "orders", partition: 1): 12])
    }
}

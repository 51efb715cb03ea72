import KafkaWire
import Synchronization

/// What one connection has asked of the broker since it opened: requests by API key, the
/// bytes each way, the errors it was answered with, where it fetches and which groups it is a
/// member of. Counted per request under the connection's own lock, which only the console takes
/// besides (now and then), so connections never wait on each other.
public final class ConnectionTraffic: Sendable {
    /// An API and an error code it answered with.
    public struct ErrorKey: Sendable, Hashable {
        public var apiKey: Int16
        public var code: Int16
    }

    /// The latest error answered.
    public struct LastError: Sendable, Equatable {
        public var apiKey: Int16
        public var apiVersion: Int16
        public var code: Int16
        /// The response's error message, when it has one.
        public var message: String?
        public var atMillis: Int64
    }

    /// The counts at one moment.
    public struct Counts: Sendable, Equatable {
        /// Requests by API key (Kafka's numbers: 0 Produce, 1 Fetch, ...).
        public var requests: [Int16: Int] = [:]
        /// Request bytes received, size fields included.
        public var bytesIn: Int64 = 0
        /// Response bytes sent, size fields included.
        public var bytesOut: Int64 = 0
        /// When the last request arrived, ms since the epoch; nil before the first.
        public var lastRequestAtMillis: Int64?
        /// Responses carrying each error, by API.
        public var errors: [ErrorKey: Int] = [:]
        public var lastError: LastError?
        /// The offset each partition was last fetched from: the consumer's position.
        public var fetchPositions: [KafkaTopicPartition: Int64] = [:]
        /// The groups it joined on this connection, with its member id in each.
        public var groups: [String: String] = [:]
        /// Fetches that asked for committed records only (isolation level read_committed).
        public var readCommittedFetches = 0

        public init() {}
    }

    private let counts = Mutex(Counts())
    /// The decoded requests a console viewer watches; idle otherwise.
    public let tap = RequestTap()

    init() {}

    /// Counts a request frame of `bytes` (without its size field) for API `apiKey`.
    func request(apiKey: Int16, bytes: Int, atMillis: Int64) {
        counts.withLock { counts in
            counts.requests[apiKey, default: 0] += 1
            counts.bytesIn += Int64(bytes + 4)
            counts.lastRequestAtMillis = atMillis
        }
    }

    /// Counts response bytes written, and the errors of the response to API `apiKey`.
    func response(bytes: Int, apiKey: Int16, apiVersion: Int16, errors: KafkaResponseErrors) {
        counts.withLock { counts in
            counts.bytesOut += Int64(bytes)
            guard let last = errors.codes.last else { return }
            let now = PartitionLog.currentTimeMilliseconds()
            for code in errors.codes { counts.errors[ErrorKey(apiKey: apiKey, code: code), default: 0] += 1 }
            counts.lastError = LastError(
                apiKey: apiKey,
                apiVersion: apiVersion,
                code: last,
                message: errors.message,
                atMillis: now
            )
        }
    }

    /// Counts response bytes of a login exchange.
    func response(bytes: Int) {
        counts.withLock { $0.bytesOut += Int64(bytes) }
    }

    /// Notes the offsets a Fetch asks for, and whether it reads committed records only.
    func fetching(_ request: FetchRequest) {
        counts.withLock { counts in
            if request.isolationLevel == 1 { counts.readCommittedFetches += 1 }
            for topic in request.topics {
                for partition in topic.partitions {
                    counts.fetchPositions[KafkaTopicPartition(topic: topic.topic, partition: partition.partition)] =
                        partition.fetchOffset
                }
            }
        }
    }

    /// Notes that the connection is member `memberID` of `group`, or no longer one (nil).
    func member(of group: String, as memberID: String?) {
        counts.withLock { $0.groups[group] = memberID }
    }

    /// The counts now.
    public var current: Counts { counts.withLock { $0 } }
}

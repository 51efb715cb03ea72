import KafkaWire

/// An error the broker answered a client with, as the console explains it.
public struct ConsoleClientError: Sendable, Equatable {
    /// How often an API was answered with one error.
    public struct Count: Sendable, Equatable {
        public var apiKey: Int16
        public var code: Int16
        public var count: Int

        public init(apiKey: Int16, code: Int16, count: Int) {
            self.apiKey = apiKey
            self.code = code
            self.count = count
        }
    }

    public var apiKey: Int16
    public var apiVersion: Int16
    public var code: Int16
    /// The response's own error message, when it has one.
    public var message: String?
    /// Milliseconds since the epoch.
    public var atMillis: Int64

    public init(apiKey: Int16, apiVersion: Int16, code: Int16, message: String?, atMillis: Int64) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.code = code
        self.message = message
        self.atMillis = atMillis
    }

    /// Kafka's name of the API (`Produce`), or its number for one this broker does not know.
    public static func apiName(_ key: Int16) -> String {
        ApiKey(rawValue: key)?.name ?? "API \(key)"
    }

    /// The error in a sentence for the client's owner: what it means and which client setting
    /// or action fixes it.
    public var explanation: String {
        let api = Self.apiName(apiKey)
        let error = KafkaErrorCode(rawValue: code)
        let said = message.map { " The broker said: \($0)." } ?? ""
        return "\(api) v\(apiVersion) was answered \(error.name): \(Self.advice(for: error, api: api))\(said)"
    }

    /// What a client's owner does about `error`.
    static func advice(for error: KafkaErrorCode, api: String) -> String {
        switch error {
        case .unknownTopicOrPartition:
            "the topic or partition does not exist. Check the topic name in the client, or create the topic "
                + "(aseed topics create, or the console)."
        case .topicAuthorizationFailed:
            "the client's login may not use this topic. Grant it with aseed acls add, or log in as another user."
        case .groupAuthorizationFailed:
            "the client's login may not use this consumer group. Grant it with aseed acls add, or change group.id."
        case .clusterAuthorizationFailed, .transactionalIdAuthorizationFailed:
            "the client's login may not do this. Grant it with aseed acls add."
        case .unsupportedVersion:
            "this broker does not serve the API version the client asked for. Use a client version whose "
                + "requests the broker knows (its ApiVersions answer lists them), or turn the feature off "
                + "in the client."
        case .messageTooLarge, .recordListTooLarge:
            "the batch is larger than the topic allows. Lower the producer's batch.size or message size, or raise "
                + "the topic's max.message.bytes."
        case .notLeaderOrFollower, .leaderNotAvailable:
            "the client's metadata is stale. It refreshes and retries by itself; if it keeps failing, restart it."
        case .unknownMemberId, .illegalGeneration:
            "the consumer was no longer in its group (a rebalance went on without it, often after its session "
                + "timeout or max.poll.interval.ms passed). It rejoins; process records faster or raise those timeouts."
        case .rebalanceInProgress:
            "the group is rebalancing; the consumer must rejoin. Many of these mean members keep coming and going."
        case .offsetOutOfRange:
            "the consumer asked for an offset the partition no longer or not yet has. Its auto.offset.reset "
                + "decides where it starts instead."
        case .coordinatorNotAvailable, .notCoordinator, .coordinatorLoadInProgress:
            "the group or transaction coordinator was not ready; the client retries."
        case .invalidSessionTimeout:
            "the consumer's session.timeout.ms is outside what the broker accepts. Set it between the broker's "
                + "group.min.session.timeout.ms and group.max.session.timeout.ms."
        case .saslAuthenticationFailed:
            "the user name or password is wrong. Check sasl.username and sasl.password."
        case .invalidProducerEpoch, .producerFenced:
            "another producer with the same transactional.id started and fenced this one. Give each producer "
                + "its own transactional.id."
        case .outOfOrderSequenceNumber, .duplicateSequenceNumber:
            "the idempotent producer's sequence numbers do not follow on. It resets them itself; restart it if not."
        case .invalidRequiredAcks:
            "the producer's acks setting is not 0, 1 or all (-1)."
        case .invalidRecord, .corruptMessage:
            "the broker refused the records in the batch (their format or checksum). Check the producer's "
                + "serializer and compression settings."
        case .throttlingQuotaExceeded:
            "the client is over its quota; it waits and retries."
        default:
            "\(error.defaultMessage ?? "see Kafka's documentation of this error")"
        }
    }
}

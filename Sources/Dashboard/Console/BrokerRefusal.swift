import HTTPTypes
import KafkaWire

/// A cluster's refusal of a console action, as the operator should read it: the HTTP status
/// that fits, what the broker said, and a sentence on which setting or action fixes it.
enum BrokerRefusal {
    /// The API error for `error`, thrown while the console was `action` (e.g. "creating topic
    /// 'x'"). Errors without a Kafka error code mean the cluster did not answer.
    static func apiError(for error: any Error, while action: String) -> APIError {
        if let error = error as? APIError { return error }
        guard let clientError = error as? KafkaClientError else {
            return APIError(.serviceUnavailable, "unavailable", "\(action): the Kafka cluster did not answer: \(error)")
        }
        if clientError.code == .invalidConfiguration {
            return APIError(.badRequest, "refused", "\(action): \(clientError.message)")
        }
        guard let code = clientError.kafkaErrorCode else {
            return APIError(
                .serviceUnavailable,
                "unavailable",
                "\(action): \(clientError.message); retry, or check the broker"
            )
        }
        let hint = Self.hint(for: code).map { " \($0)" } ?? ""
        let sentence = clientError.message.hasSuffix(".") ? clientError.message : clientError.message + "."
        return APIError(status(for: code), "refused", sentence + hint)
    }

    static func status(for code: KafkaErrorCode) -> HTTPResponse.Status {
        switch code {
        case .unknownTopicOrPartition, .groupIdNotFound: .notFound
        case .topicAlreadyExists, .nonEmptyGroup: .conflict
        case .topicAuthorizationFailed, .clusterAuthorizationFailed, .groupAuthorizationFailed: .forbidden
        case .requestTimedOut, .notLeaderOrFollower, .leaderNotAvailable, .notController, .kafkaStorageError:
            .serviceUnavailable
        default: .badRequest
        }
    }

    /// What fixes a refusal, for the codes an operator meets from the console.
    static func hint(for code: KafkaErrorCode) -> String? {
        switch code {
        case .unknownTopicOrPartition:
            "Check the name and the partition in the topic list; writing to a topic here never creates it."
        case .topicAlreadyExists:
            "Pick another name, or delete the existing topic first."
        case .invalidTopicException:
            "Topic names use letters, digits, '.', '_' and '-', at most 249 of them, and are not '.' or '..'."
        case .invalidPartitions:
            "A topic can only grow: give more partitions than it has now (and at least 1 for a new topic)."
        case .invalidReplicationFactor:
            "This cluster has one broker: a replication factor of 1 is the only one it can keep."
        case .invalidConfig:
            """
            Check the config's name and value: the topic's page lists its configs, and times are in ms, \
            sizes in bytes.
            """
        case .policyViolation:
            "The broker's policy forbids it (a classroom broker limits students' topics in number and name)."
        case .offsetOutOfRange:
            "Give an offset between the partition's earliest and latest offsets, or 'end' for all its records."
        case .messageTooLarge, .recordListTooLarge:
            "Send a smaller value, or raise max.message.bytes on the topic."
        case .invalidRecord:
            "A compacted topic needs a key on every record."
        case .topicAuthorizationFailed, .clusterAuthorizationFailed, .groupAuthorizationFailed:
            "The console's login may not do this: grant its user the ACL, or run the console as a super user."
        case .nonEmptyGroup:
            """
            Stop the group's consumers first: its offsets can be reset, and the group deleted, only while it \
            has no members.
            """
        case .groupIdNotFound:
            "Check the group id in the group list; a group exists once a consumer has joined it or committed."
        case .unsupportedVersion:
            "The cluster does not serve this request; Kafka 2.4 or newer does."
        default:
            nil
        }
    }
}

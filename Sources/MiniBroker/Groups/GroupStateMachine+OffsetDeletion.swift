import KafkaWire

extension GroupStateMachine {
    /// OffsetDelete's verdict for this group: a consumer group keeps the offsets of the topics
    /// its members subscribe to; an Empty group of any type loses what is asked; a group of
    /// another type with members keeps everything.
    var offsetDeletionVerdict: OffsetDeletionVerdict {
        if state.name == .dead { return .unknownGroup }
        if protocolType == "consumer" { return .allowed(subscribedTopics: subscribedTopics) }
        return members.isEmpty ? .allowed(subscribedTopics: []) : .nonEmpty
    }

    /// The topics the members subscribe to, from the consumer protocol metadata of the chosen
    /// protocol (or of each member's first one while none is chosen). Metadata that cannot be
    /// read subscribes to nothing.
    private var subscribedTopics: Set<String> {
        var topics: Set<String> = []
        for member in members.values {
            let metadata = protocolName.map(member.metadata(for:)) ?? member.protocols.first?.metadata
            guard let metadata, let subscription = try? ConsumerProtocolSubscription(decoding: metadata) else {
                continue
            }
            topics.formUnion(subscription.topics)
        }
        return topics
    }
}

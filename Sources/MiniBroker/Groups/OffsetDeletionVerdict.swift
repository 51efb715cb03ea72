/// What OffsetDelete may do with a group's committed offsets, by Kafka's rules.
public enum OffsetDeletionVerdict: Sendable, Equatable {
    /// The coordinator holds no such group (it may still have offsets from before a restart).
    case unknownGroup
    /// A group of another protocol type with members: nothing may go (NON_EMPTY_GROUP).
    case nonEmpty
    /// Offsets may go except those of topics a member subscribes to
    /// (GROUP_SUBSCRIBED_TO_TOPIC for those).
    case allowed(subscribedTopics: Set<String>)
}

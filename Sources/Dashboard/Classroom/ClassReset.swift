import KafkaWire

/// The broker's part of a reset between classes, done over the Kafka protocol while the
/// appliance has its simulator and analyzer stopped (`ApplianceControl.resetClass`): the class's
/// groups and topics go, and the orders too when the teacher asks.
///
/// The appliance's own stay: the orders topic and its dead letters, Kafka's internal topics
/// (`__...`), and topics and groups named `aseed...` (the analyzer's group among them).
struct ClassReset {
    let console: any BrokerConsoleSource
    /// The orders topic and its dead letters.
    let ordersTopics: [String]

    /// Whether a topic belongs to the appliance rather than to a class.
    func isApplianceTopic(_ name: String) -> Bool {
        ordersTopics.contains(name) || name.hasPrefix("__") || name.hasPrefix("aseed")
    }

    /// Whether a group belongs to the appliance rather than to a class.
    static func isApplianceGroup(_ id: String) -> Bool {
        id.hasPrefix("aseed")
    }

    /// Deletes the class's groups and topics, and the orders' records when `orders` is
    /// `.truncate`; what it did goes into `report`.
    ///
    /// - Throws: what the cluster answered to a listing, a topic's deletion or the truncation.
    ///   A group with members is not an error: it is kept, and the report says why.
    func clear(orders: ClassResetPlan.Orders, into report: inout ClassResetReport) async throws {
        for group in try await console.groups() where !Self.isApplianceGroup(group.groupID) {
            guard group.members == 0 else {
                report.keptGroups.append(.init(groupID: group.groupID, reason: Self.hasMembers(group.members)))
                continue
            }
            do {
                try await console.deleteGroup(group.groupID)
                report.removedGroups.append(group.groupID)
            } catch let error as KafkaClientError where error.kafkaErrorCode == .nonEmptyGroup {
                // A member joined between the listing and the deletion.
                report.keptGroups.append(.init(groupID: group.groupID, reason: Self.hasMembers(nil)))
            }
        }
        let topics = try await console.topics()
        for topic in topics where !isApplianceTopic(topic.name) {
            try await console.deleteTopic(topic.name)
            report.removedTopics.append(topic.name)
        }
        guard orders == .truncate else { return }
        for topic in topics where ordersTopics.contains(topic.name) {
            let stored = topic.partitions.reduce(Int64(0)) { $0 + max(0, $1.latestOffset - $1.earliestOffset) }
            guard stored > 0 else { continue }
            _ = try await console.deleteRecords(topic.name, partition: nil, before: -1)
            report.deletedRecords += stored
        }
    }

    private static func hasMembers(_ count: Int?) -> String {
        let who = count.map { $0 == 1 ? "1 member is" : "\($0) members are" } ?? "members are"
        return "\(who) still connected: stop those programs, then delete the group from the console or reset again"
    }
}

import KafkaWire

extension RequestHandler {
    /// How long the sender of `request` must wait for being over its produce quota: 0 without a
    /// quota, for super users, and within the quota. Clients are users after a login, client
    /// ids on listeners without one (where every student is `User:ANONYMOUS`).
    func produceThrottleMilliseconds(_ request: ProduceRequest, _ context: RequestContext) -> Int64 {
        guard let produceQuota, !isSuperUser(context) else { return 0 }
        let bytes = request.topicData.reduce(0) { sum, topic in
            topic.partitionData.reduce(sum) { $0 + ($1.records?.readableBytes ?? 0) }
        }
        let client =
            context.principal == .anonymous ? "client id '\(context.clientID ?? "")'" : "\(context.principal)"
        let throttle = produceQuota.record(
            client: client,
            bytes: bytes,
            nowMilliseconds: PartitionLog.currentTimeMilliseconds()
        )
        if throttle > 0 {
            refusals.throttled(client, host: context.clientHost, bytesPerSecond: produceQuota.bytesPerSecond)
        }
        return throttle
    }

    /// Why the principal may not create `topic` (it owns as many topics as the classroom
    /// allows), nil when it may.
    func topicQuotaProblem(creating topic: String, _ context: RequestContext) -> String? {
        let limit = configuration.maxTopicsPerStudent
        guard limit > 0, authorizer?.classroom != nil, !isSuperUser(context),
            let student = ClassroomPolicy.studentName(principal: context.principal, clientID: context.clientID),
            ClassroomPolicy.ownsTopic(topic, student: student), topics.topic(named: topic) == nil
        else { return nil }
        let owned = topics.allTopics().filter { ClassroomPolicy.ownsTopic($0.name, student: student) }
        guard owned.count >= limit else { return nil }
        return
            "\(student) owns \(owned.count) topics, the most a student may (--max-topics-per-student); delete one first"
    }

    private func isSuperUser(_ context: RequestContext) -> Bool {
        authorizer?.superUsers.contains(context.principal.description) ?? false
    }
}

import Common
import Hummingbird
import KafkaWire

extension DashboardAPI {
    /// `GET /api/broker/topics`.
    func brokerTopics(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let topics = try await withConsole { try await $0.topics() }
        let now = WallClock.nowMicros
        return .jsonObject(capacity: 8192) { writer in
            writer.key("topics")
            writer.beginArray()
            for topic in topics { write(topic, nowMicros: now, withConfigs: false, to: &writer) }
            writer.endArray()
        }
    }

    /// `GET /api/broker/topics/{name}`: one topic with its configs, its cleanup policy and, for
    /// a compacted topic of the embedded broker, what the log cleaner did to each partition.
    func brokerTopic(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let topic = try await withConsole({ try await $0.topic(named: name) }) else {
            throw APIError.notFound("no topic '\(name)'; /api/broker/topics lists them")
        }
        var writer = JSONWriter(reservingCapacity: 4096)
        write(topic, nowMicros: WallClock.nowMicros, withConfigs: true, to: &writer)
        return .json(writer)
    }

    /// `GET /api/broker/groups`.
    func brokerGroups(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let groups = try await withConsole { try await $0.groups() }
        return .jsonObject { writer in
            writer.key("groups")
            writer.beginArray()
            for group in groups {
                writer.beginObject()
                writer.key("group_id")
                writer.string(group.groupID)
                writer.key("state")
                writer.string(group.state)
                writer.key("protocol_type")
                writer.string(group.protocolType)
                writer.key("members")
                writer.integer(group.members)
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// `GET /api/broker/groups/{id}`: members, assignments, committed offsets and lag.
    func brokerGroup(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = FormQuery.decodePathSegment(context.parameters.get("id") ?? "")
        guard let group = try await withConsole({ try await $0.group(id: id) }) else {
            throw APIError.notFound("no consumer group '\(id)'; /api/broker/groups lists them")
        }
        return .jsonObject(capacity: 4096) { writer in
            writer.key("group_id")
            writer.string(group.groupID)
            writer.key("state")
            writer.string(group.state)
            writer.key("members")
            writer.beginArray()
            for member in group.members { write(member, to: &writer) }
            writer.endArray()
            writer.key("offsets")
            writer.beginArray()
            for offset in group.offsets {
                writer.beginObject()
                writer.key("topic")
                writer.string(offset.partition.topic)
                writer.key("partition")
                writer.integer(offset.partition.partition)
                writer.key("committed")
                writer.integer(offset.committed)
                writer.key("latest")
                writer.integer(offset.latest)
                writer.key("lag")
                writer.integer(offset.lag)
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// `GET /api/broker/transactions`: every transaction the coordinators know, open ones
    /// first (the oldest first), with their age now so the page need not trust its own clock.
    func brokerTransactions(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let transactions = try await withConsole { try await $0.transactions() }
        let nowMs = WallClock.nowMilliseconds()
        return .jsonObject(capacity: 4096) { writer in
            writer.key("transactions")
            writer.beginArray()
            for transaction in transactions.sorted(by: ConsoleTransaction.listedBefore) {
                write(transaction, nowMs: nowMs, to: &writer)
            }
            writer.endArray()
        }
    }

    /// Runs a console request; 503 without a console, console errors as 404 or 503.
    func withConsole<Value>(_ body: (any BrokerConsoleSource) async throws -> Value) async throws -> Value {
        let console = try requireConsole()
        do {
            return try await body(console)
        } catch let error as DashboardRequestError {
            throw Self.apiError(error)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(
                .serviceUnavailable,
                "unavailable",
                "the Kafka cluster did not answer: \(error); retry, or check the broker"
            )
        }
    }

    /// The console, or 503 when this process has none (the dashboard runs without Kafka).
    func requireConsole() throws(APIError) -> any BrokerConsoleSource {
        guard let console else {
            throw APIError(
                .serviceUnavailable,
                "unavailable",
                "the broker console has no Kafka connection in this process"
            )
        }
        return console
    }

    private func write(_ topic: ConsoleTopic, nowMicros: Int64, withConfigs: Bool, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name")
        writer.string(topic.name)
        if withConfigs {
            writer.key("cleanup_policy")
            if let policy = topic.cleanupPolicy { writer.string(policy) } else { writer.null() }
        }
        writer.key("partitions")
        writer.beginArray()
        for partition in topic.partitions {
            writer.beginObject()
            writer.key("partition")
            writer.integer(partition.partition)
            writer.key("leader")
            writer.integer(partition.leader)
            writer.key("earliest_offset")
            writer.integer(partition.earliestOffset)
            writer.key("latest_offset")
            writer.integer(partition.latestOffset)
            writer.key("size_bytes")
            if let size = partition.sizeBytes { writer.integer(size) } else { writer.null() }
            let rate = rates.rate(
                topic: topic.name,
                partition: partition.partition,
                latestOffset: partition.latestOffset,
                nowMicros: nowMicros
            )
            writer.key("messages_per_second")
            writer.double(rate, decimals: 1)
            if let cleaner = partition.cleaner {
                writer.key("cleaner")
                write(cleaner, to: &writer)
            }
            writer.endObject()
        }
        writer.endArray()
        if withConfigs {
            writer.key("configs")
            writer.beginObject()
            for (key, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                writer.string(value)
            }
            writer.endObject()
        }
        writer.endObject()
    }

    private func write(_ cleaner: ConsoleCleanerFigures, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("dirty_ratio")
        writer.double(cleaner.dirtyRatio, decimals: 3)
        writer.key("first_dirty_offset")
        writer.integer(cleaner.firstDirtyOffset)
        writer.key("last_cleaning")
        if let cleaning = cleaner.lastCleaning {
            writer.beginObject()
            writer.key("finished_at")
            writer.timestamp(micros: cleaning.finishedAtMillis * 1000)
            writer.key("duration_ms")
            writer.integer(cleaning.durationMilliseconds)
            writer.key("bytes_reclaimed")
            writer.integer(cleaning.bytesReclaimed)
            writer.key("records_kept")
            writer.integer(cleaning.recordsKept)
            writer.key("records_removed")
            writer.integer(cleaning.recordsRemoved)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("cleanings")
        writer.integer(cleaner.cleanings)
        writer.key("total_bytes_reclaimed")
        writer.integer(cleaner.totalBytesReclaimed)
        writer.key("last_error")
        if let error = cleaner.lastError { writer.string(error) } else { writer.null() }
        writer.key("last_error_at")
        if let at = cleaner.lastErrorAtMillis { writer.timestamp(micros: at * 1000) } else { writer.null() }
        writer.endObject()
    }

    private func write(_ member: GroupDescription.Member, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("member_id")
        writer.string(member.memberID)
        writer.key("client_id")
        writer.string(member.clientID)
        writer.key("host")
        writer.string(member.host)
        writer.key("assignment")
        Self.write(member.assignment, to: &writer)
        writer.endObject()
    }

    private func write(_ transaction: ConsoleTransaction, nowMs: Int64, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("transactional_id")
        writer.string(transaction.transactionalID)
        writer.key("state")
        writer.string(transaction.state)
        writer.key("producer_id")
        writer.integer(transaction.producerID)
        writer.key("producer_epoch")
        writer.integer(transaction.producerEpoch)
        writer.key("timeout_ms")
        writer.integer(transaction.timeoutMs)
        writer.key("started_at")
        if transaction.startTimeMs >= 0 {
            writer.timestamp(micros: transaction.startTimeMs * 1000)
        } else {
            writer.null()
        }
        writer.key("age_ms")
        if let age = transaction.ageMs(nowMs: nowMs) { writer.integer(age) } else { writer.null() }
        writer.key("partitions")
        Self.write(transaction.partitions, to: &writer)
        writer.endObject()
    }

    /// Partitions as an array of `{"topic", "partition"}` objects.
    static func write(_ partitions: [KafkaTopicPartition], to writer: inout JSONWriter) {
        writer.beginArray()
        for partition in partitions {
            writer.beginObject()
            writer.key("topic")
            writer.string(partition.topic)
            writer.key("partition")
            writer.integer(partition.partition)
            writer.endObject()
        }
        writer.endArray()
    }
}

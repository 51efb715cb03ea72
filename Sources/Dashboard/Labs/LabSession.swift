import Analyzer
import Common
import FoundationEssentials
import KafkaWire
import Logging
import ServiceLifecycle

/// The class's current lab and its progress: started by the teacher (`start`), checked twice a
/// second against what the appliance sees (`check`), and kept in `<directory>/current.json`
/// so a restart goes on where the class was. Starting another lab moves the old one's file to
/// `<directory>/archive/` (both directories are the caller's to make).
public actor LabSession: Service {
    /// A lab with its progress, as stored.
    struct Record: Codable {
        var source: String
        var progress: ClassProgress
    }

    private let directory: String?
    private let console: (any BrokerConsoleSource)?
    private let logger: Logger
    private(set) var lab: Lab?
    private(set) var progress: ClassProgress?
    /// How many times a lab started here: a round of checks belongs to the start it began
    /// under, since a restart for a new class starts the same lab again.
    private var starts = 0
    /// The newest records of each topic a goal looks into, read when the topic last grew.
    private var samples: [String: RecordSample] = [:]
    /// The analyzer's first products of the rankings the lab asks about, as seen lately: an
    /// answer counts when it names one of them, since the ranking moves while a student works.
    private var recentTops = RecentTops()
    private let latestSnapshot: @Sendable () -> AnalyticsSnapshot?
    private var failing = false

    /// A session; with a directory, the lab there (if any) goes on.
    ///
    /// - Parameters:
    ///   - directory: where progress is kept; nil keeps it in memory only.
    ///   - console: what the checks read; nil checks nothing.
    ///   - latestSnapshot: the analyzer's latest figures, for answers.
    public init(
        directory: String?,
        console: (any BrokerConsoleSource)?,
        latestSnapshot: @escaping @Sendable () -> AnalyticsSnapshot? = { nil },
        logger: Logger
    ) {
        self.directory = directory
        self.console = console
        self.latestSnapshot = latestSnapshot
        self.logger = logger
        guard let directory, let bytes = try? FileBytes.read(atPath: directory + "/current.json") else { return }
        do {
            let record = try JSONDecoder().decode(Record.self, from: Data(bytes))
            let lab = try Lab(toml: record.source)
            self.lab = lab
            self.progress = record.progress
            logger.info("lab '\(lab.id)' goes on: \(record.progress.students.count) students so far")
        } catch {
            logger.error("the lab kept in \(directory)/current.json cannot be read, so no lab runs: \(error)")
        }
    }

    /// The lab running and its progress; nil when none runs.
    public var current: (lab: Lab, progress: ClassProgress)? {
        guard let lab, let progress else { return nil }
        return (lab, progress)
    }

    /// Starts `lab` with nobody's steps done; the lab running before is archived. Answers the
    /// archived file, if any.
    @discardableResult
    public func start(_ lab: Lab, nowMillis: Int64 = WallClock.nowMilliseconds()) throws -> String? {
        var archived: String?
        if let directory, let old = progress {
            let target = "\(directory)/archive/\(old.labID)-\(old.startedAtMillis).json"
            try FileBytes.move(directory + "/current.json", to: target)
            archived = target
        }
        let progress = ClassProgress(labID: lab.id, startedAtMillis: nowMillis)
        try save(Record(source: lab.source, progress: progress))
        self.lab = lab
        self.progress = progress
        starts += 1
        samples = [:]
        recentTops = RecentTops()
        logger.info("lab '\(lab.id)' started: \(lab.steps.count) steps")
        return archived
    }

    /// For a new class: the running lab's progress is archived and the lab starts again with
    /// nobody's steps done. Answers the archived file; nil when no lab runs.
    public func restartForNewClass(nowMillis: Int64 = WallClock.nowMilliseconds()) throws -> String? {
        guard let lab else { return nil }
        return try start(lab, nowMillis: nowMillis)
    }

    /// One round of checks: each student seen, each step not done yet. Returns the steps newly
    /// done as (student, step id).
    @discardableResult
    public func check(nowMillis: Int64 = WallClock.nowMilliseconds()) async -> [(String, String)] {
        guard let lab, let progress, let console else { return [] }
        let start = starts
        if let snapshot = latestSnapshot() { recentTops.note(snapshot, for: lab, at: nowMillis) }
        do {
            let observation = try await observe(lab, progress: progress, console: console)
            // While this round read the broker, the lab may have been replaced or started again
            // for a new class (the findings are then the last class's) and an answer may have
            // marked a step: the round's findings go onto the progress as it is now.
            guard starts == start, var current = self.progress else { return [] }
            for student in observation.students { current.see(student, at: nowMillis) }
            var done: [(String, String)] = []
            for student in current.names {
                for step in lab.steps where current.doneAt(step.id, for: student) == nil {
                    if observation.holds(step.goal.for(student: student), for: student) {
                        current.markDone(step.id, for: student, at: nowMillis)
                        done.append((student, step.id))
                    }
                }
            }
            if current != self.progress {
                try save(Record(source: lab.source, progress: current))
                self.progress = current
            }
            if failing {
                failing = false
                logger.info("lab checks work again")
            }
            return done
        } catch {
            if !failing { logger.warning("lab checks failed, retrying twice a second: \(error)") }
            failing = true
            return []
        }
    }

    /// How long between two rounds of checks: with the pages reading every second, a step
    /// shows on them within two seconds of being done.
    static let checkInterval: Duration = .milliseconds(500)

    /// Checks twice a second until graceful shutdown, which also cuts the wait short.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.check()
                try await Task.sleep(for: Self.checkInterval)
            }
        }
    }

    /// Reads what the lab's pending goals need.
    private func observe(
        _ lab: Lab,
        progress: ClassProgress,
        console: any BrokerConsoleSource
    ) async throws -> LabObservation {
        var observation = LabObservation()
        if let wire = console.wire {
            // What ended before the lab started belongs to the class before (a reset between
            // classes starts the lab again while the broker still remembers it).
            let since = progress.startedAtMillis
            let closed = wire.closedConnections().filter { ($0.closedAtMillis ?? since) >= since }
            observation.connections = (wire.connections() ?? []) + closed
            observation.moments = wire.groupMoments().mapValues { $0.filter { $0.atMillis >= since } }
        }
        observation.lateOrderIDs = latestSnapshot()?.pipeline.recentLate.map(\.orderID) ?? []
        let students = Set(progress.names).union(observation.students)
        let pending = students.flatMap { student in
            lab.steps.filter { progress.doneAt($0.id, for: student) == nil }.map { $0.goal.for(student: student) }
        }
        guard !pending.isEmpty else { return observation }
        observation.topics = Dictionary(try await console.topics().map { ($0.name, $0) }) { first, _ in first }
        let groups = Set(try await console.groups().map(\.groupID))
        for goal in pending {
            switch goal {
            case .topic(let name, _, let configs) where !configs.isEmpty && observation.topics[name] != nil:
                if let topic = try await console.topic(named: name) { observation.topics[name] = topic }
            case .commit(let group, _) where groups.contains(group) && observation.groups[group] == nil:
                observation.groups[group] = try await console.group(id: group)
            case .produce(let topic, let count, true) where observation.samples[topic] == nil:
                observation.samples[topic] = try await sample(of: topic, wanted: count, observation, console)
            case .keys(let topic, let count) where observation.samples[topic] == nil:
                observation.samples[topic] = try await sample(of: topic, wanted: count, observation, console)
            case .deadLetter(let topic, _) where observation.samples[topic] == nil:
                // Dead letters are few; the newest hundreds hold a class's.
                observation.samples[topic] = try await sample(of: topic, wanted: 100, observation, console)
            default:
                continue
            }
        }
        return observation
    }

    /// The topic's newest records (up to a few times `wanted`), read again only when the topic
    /// has grown.
    private func sample(
        of topic: String,
        wanted: Int,
        _ observation: LabObservation,
        _ console: any BrokerConsoleSource
    ) async throws -> RecordSample {
        let records = observation.records(in: topic)
        guard records > 0 else { return RecordSample(records: 0, validOrders: 0, keyed: 0) }
        if let sample = samples[topic], sample.records == records { return sample }
        let messages = try await console.messages(MessageQuery(topic: topic, limit: min(max(wanted * 4, 100), 5_000)))
        let sample = RecordSample(messages, records: records)
        samples[topic] = sample
        return sample
    }

    /// Checks a student's answer to step `stepID` and, when right, marks the step done.
    ///
    /// - Throws: `LabFileError` when no lab runs, the step does not exist or asks no question,
    ///   or the name is nobody's.
    public func answer(
        _ text: String,
        step stepID: String,
        student: String,
        nowMillis: Int64 = WallClock.nowMilliseconds()
    ) throws -> LabAnswerVerdict {
        guard let lab, var progress else { throw LabFileError("no lab runs") }
        guard let step = lab.step(stepID) else { throw LabFileError(step: stepID, "the lab has no such step") }
        guard case .topProduct(let span, let metric) = step.goal else {
            throw LabFileError(step: stepID, "this step is checked on the broker, not answered")
        }
        guard LabStudent.name(user: nil, clientID: student) == student else {
            throw LabFileError("'\(student)' is not a student's name: use your client.id")
        }
        if let snapshot = latestSnapshot() { recentTops.note(snapshot, for: lab, at: nowMillis) }
        let verdict = recentTops.verdict(on: text, span: span, metric: metric, at: nowMillis)
        if verdict.correct {
            progress.markDone(stepID, for: student, at: nowMillis)
            if progress != self.progress {
                try save(Record(source: lab.source, progress: progress))
                self.progress = progress
            }
        }
        return verdict
    }

    private func save(_ record: Record) throws {
        guard let directory else { return }
        let bytes = try JSONEncoder().encode(record)
        try FileBytes.write(Array(bytes), atomicallyTo: directory + "/current.json")
    }
}

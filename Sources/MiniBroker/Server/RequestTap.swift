import KafkaWire
import NIOCore
import Synchronization

/// One connection's requests as a viewer on the console sees them, decoded, with their answer.
///
/// Nothing is kept unless someone watches: a viewer's poll calls `watch(untilMillis:)`, and
/// the connection looks at one atomic per request to know. While watched, at most
/// `samplesPerSecond` requests a second are decoded and kept (the rest only counted), in a ring
/// of `capacity` entries, each with at most `rawLimit` of its bytes; so a viewer costs a busy
/// connection a bounded amount whatever its request rate.
public final class RequestTap: Sendable {
    /// One request seen, and its answer once written.
    public struct Entry: Sendable {
        /// Increasing per connection, from 1.
        public var sequence: Int
        /// When the request arrived, ms since the epoch.
        public var atMillis: Int64
        public var apiKey: Int16
        public var apiVersion: Int16
        public var correlationID: Int32
        /// The request frame's size, size field included.
        public var requestBytes: Int
        /// The decoded request (see `KafkaMessageDescription`), or why it could not be decoded.
        public var decoded: [String]
        /// The topics and partitions it names: `orders[0,1]`.
        public var topics: String
        /// The first `rawLimit` bytes of the frame after its size field; empty for logins.
        public var raw: [UInt8]
        /// Microseconds from arrival to the response being written; nil while unanswered.
        public var latencyMicroseconds: Int64?
        /// The response frame's size; nil while unanswered or when none is sent (acks=0).
        public var responseBytes: Int?
        /// Whether the request was answered (or needs no answer).
        public var finished = false
        /// Non-zero error codes of the response.
        public var errorCodes: [Int16] = []
        public var errorMessage: String?
    }

    /// What a viewer's poll gets.
    public struct View: Sendable {
        public var entries: [Entry]
        /// Requests not kept since watching began, over the sampling rate.
        public var skipped: Int
        public var samplesPerSecond: Int
    }

    public static let samplesPerSecond = 20
    public static let capacity = 300
    public static let rawLimit = 16 * 1024

    private struct State {
        var entries: [Entry] = []
        var nextSequence = 1
        var skipped = 0
        var second: Int64 = 0
        var keptThisSecond = 0
    }

    private let watchedUntilMillis = Atomic<Int64>(0)
    private let state = Mutex(State())

    init() {}

    /// Keeps requests until `untilMillis` (ms since the epoch); each poll of a viewer extends it.
    public func watch(untilMillis: Int64) {
        watchedUntilMillis.store(untilMillis, ordering: .relaxed)
    }

    /// Whether requests arriving at `nowMillis` are looked at; one atomic load.
    func isWatched(atMillis nowMillis: Int64) -> Bool {
        watchedUntilMillis.load(ordering: .relaxed) > nowMillis
    }

    /// Keeps `frame` (after its size field) if the sampling rate allows; returns its sequence
    /// number, for `finish`.
    func capture(_ frame: ByteBuffer, atMillis nowMillis: Int64, keepRaw: Bool) -> Int? {
        let second = nowMillis / 1000
        let admitted = state.withLock { state -> Bool in
            if state.second != second {
                state.second = second
                state.keptThisSecond = 0
            }
            guard state.keptThisSecond < Self.samplesPerSecond else {
                state.skipped += 1
                return false
            }
            state.keptThisSecond += 1
            return true
        }
        guard admitted else { return nil }
        var entry = Self.entry(for: frame, atMillis: nowMillis, keepRaw: keepRaw)
        return state.withLock { state in
            entry.sequence = state.nextSequence
            state.nextSequence += 1
            if state.entries.count >= Self.capacity {
                state.entries.removeFirst(state.entries.count - Self.capacity + 1)
            }
            state.entries.append(entry)
            return entry.sequence
        }
    }

    /// Records the answer to request `sequence`: nil `responseBytes` when none is sent.
    func finish(_ sequence: Int, latencyMicroseconds: Int64, responseBytes: Int?, errors: KafkaResponseErrors) {
        state.withLock { state in
            guard let index = state.entries.lastIndex(where: { $0.sequence == sequence }) else { return }
            state.entries[index].finished = true
            state.entries[index].latencyMicroseconds = latencyMicroseconds
            state.entries[index].responseBytes = responseBytes
            state.entries[index].errorCodes = errors.codes
            state.entries[index].errorMessage = errors.message
        }
    }

    /// The kept requests after `sequence` (0: all kept), oldest first.
    public func view(after sequence: Int) -> View {
        state.withLock { state in
            View(
                entries: state.entries.filter { $0.sequence > sequence },
                skipped: state.skipped,
                samplesPerSecond: Self.samplesPerSecond
            )
        }
    }

    /// The kept request `sequence`, raw bytes included; nil once it left the ring.
    public func entry(_ sequence: Int) -> Entry? {
        state.withLock { state in state.entries.last { $0.sequence == sequence } }
    }

    /// Decodes a frame for the view. Runs outside the lock: only the connection's own event
    /// loop captures.
    static func entry(for frame: ByteBuffer, atMillis: Int64, keepRaw: Bool) -> Entry {
        let key = frame.getInteger(at: frame.readerIndex, as: Int16.self) ?? -1
        let version = frame.getInteger(at: frame.readerIndex + 2, as: Int16.self) ?? -1
        let correlationID = frame.getInteger(at: frame.readerIndex + 4, as: Int32.self) ?? -1
        var decoded: [String]
        var topics = ""
        if let apiKey = ApiKey(rawValue: key) {
            var body = frame
            do {
                _ = try RequestHeader(from: &body, version: apiKey.requestHeaderVersion(for: version))
                let request = try apiKey.decodeRequest(from: &body, version: version)
                let description = KafkaMessageDescription(of: request)
                decoded = description.lines
                if description.truncated { decoded.append("…") }
                topics = description.topicSummary
            } catch {
                decoded = ["not decoded: \(error)"]
            }
        } else {
            decoded = ["not decoded: unknown API key \(key)"]
        }
        let raw = keepRaw ? Array(frame.readableBytesView.prefix(rawLimit)) : []
        return Entry(
            sequence: 0,
            atMillis: atMillis,
            apiKey: key,
            apiVersion: version,
            correlationID: correlationID,
            requestBytes: frame.readableBytes + 4,
            decoded: decoded,
            topics: topics,
            raw: raw
        )
    }
}

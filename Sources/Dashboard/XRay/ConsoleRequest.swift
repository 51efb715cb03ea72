/// One request of a watched connection, decoded, with its answer: a line of the console's
/// request stream.
public struct ConsoleRequest: Sendable, Equatable {
    /// Increasing per connection.
    public var sequence: Int
    /// When it arrived, ms since the epoch.
    public var atMillis: Int64
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationID: Int32
    /// The request frame's size.
    public var requestBytes: Int
    /// The topics and partitions it names: `orders[0,1]`.
    public var topics: String
    /// The decoded request, one field per line, nested fields indented.
    public var decoded: [String]
    /// Whether it was answered (or needed no answer).
    public var finished: Bool
    public var latencyMicroseconds: Int64?
    /// Nil while unanswered or when no response is sent (acks=0).
    public var responseBytes: Int?
    /// Non-zero error codes of the response.
    public var errorCodes: [Int16]
    public var errorMessage: String?
    /// The frame's first bytes (after its size field); empty for logins, and in listings.
    public var raw: [UInt8]
    /// Whether the broker kept the raw bytes (not for logins); true in listings too, where
    /// `raw` is left out.
    public var rawKept: Bool

    public init(
        sequence: Int,
        atMillis: Int64,
        apiKey: Int16,
        apiVersion: Int16,
        correlationID: Int32,
        requestBytes: Int,
        topics: String,
        decoded: [String],
        finished: Bool,
        latencyMicroseconds: Int64?,
        responseBytes: Int?,
        errorCodes: [Int16],
        errorMessage: String?,
        raw: [UInt8],
        rawKept: Bool? = nil
    ) {
        self.sequence = sequence
        self.atMillis = atMillis
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationID = correlationID
        self.requestBytes = requestBytes
        self.topics = topics
        self.decoded = decoded
        self.finished = finished
        self.latencyMicroseconds = latencyMicroseconds
        self.responseBytes = responseBytes
        self.errorCodes = errorCodes
        self.errorMessage = errorMessage
        self.raw = raw
        self.rawKept = rawKept ?? !raw.isEmpty
    }
}

/// What a viewer of one connection's requests gets per poll.
public struct ConsoleRequestStream: Sendable, Equatable {
    /// The kept requests after the viewer's last, oldest first.
    public var requests: [ConsoleRequest]
    /// Requests not kept since watching began, over the sampling rate.
    public var skipped: Int
    /// At most this many requests a second are kept.
    public var samplesPerSecond: Int

    public init(requests: [ConsoleRequest], skipped: Int, samplesPerSecond: Int) {
        self.requests = requests
        self.skipped = skipped
        self.samplesPerSecond = samplesPerSecond
    }
}

/// The error codes a response carries, wherever in it they sit (top level, per topic, per
/// partition, per member), with the first error message beside one. The broker counts them per
/// connection, so the console can say which client is being refused what.
public struct KafkaResponseErrors: Sendable, Equatable {
    /// The distinct non-zero codes, in the order first met; usually none.
    public private(set) var codes: [Int16] = []
    /// The first `errorMessage` set beside a non-zero code.
    public private(set) var message: String?

    /// No errors.
    public init() {}

    /// The errors of `codes` (zeros ignored), with `message`.
    public init(codes: [Int16], message: String? = nil) {
        for code in codes { note(code) }
        self.message = codes.contains { $0 != 0 } ? message : nil
    }

    /// The errors of `response`, wherever in it they sit.
    public init<Response: KafkaResponseMessage>(of response: Response) {
        self.init()
        response.forEachError { code, message in note(code, message: message) }
    }

    /// Whether the response carried no error.
    public var isEmpty: Bool { codes.isEmpty }

    private mutating func note(_ code: Int16, message: String? = nil) {
        guard code != 0 else { return }
        if !codes.contains(code) { codes.append(code) }
        if self.message == nil, let message, !message.isEmpty { self.message = message }
    }
}

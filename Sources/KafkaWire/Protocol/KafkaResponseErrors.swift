import NIOCore

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

    /// The errors of `response`: Produce, Fetch and Heartbeat read directly (they are most of
    /// a busy broker's answers), every other response by walking its fields.
    public init<Response: KafkaResponseMessage>(of response: Response) {
        self.init()
        switch response {
        case let produce as ProduceResponse:
            for topic in produce.responses {
                for partition in topic.partitionResponses {
                    note(partition.errorCode, message: partition.errorMessage)
                }
            }
        case let fetch as FetchResponse:
            self.init(of: fetch)
        case let heartbeat as HeartbeatResponse:
            note(heartbeat.errorCode)
        default:
            collect(response)
        }
    }

    /// The errors of a Fetch response.
    public init(of fetch: FetchResponse) {
        self.init()
        note(fetch.errorCode)
        for topic in fetch.responses {
            for partition in topic.partitions { note(partition.errorCode) }
        }
    }

    /// Whether the response carried no error.
    public var isEmpty: Bool { codes.isEmpty }

    private mutating func note(_ code: Int16, message: String? = nil) {
        guard code != 0 else { return }
        if !codes.contains(code) { codes.append(code) }
        if self.message == nil, let message, !message.isEmpty { self.message = message }
    }

    /// Looks for `errorCode` and `errorMessage` fields in `value` and everything it holds.
    private mutating func collect(_ value: Any) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class:
            var code: Int16 = 0
            var message: String?
            for child in mirror.children {
                switch child.label {
                case "errorCode": code = child.value as? Int16 ?? 0
                case "errorMessage": message = child.value as? String
                default: if Self.mayHoldErrors(child.value) { collect(child.value) }
                }
            }
            note(code, message: message)
        case .collection, .optional:
            for child in mirror.children where Self.mayHoldErrors(child.value) { collect(child.value) }
        default:
            return
        }
    }

    /// Leaves out what cannot hold a nested message: bytes, strings, numbers.
    private static func mayHoldErrors(_ value: Any) -> Bool {
        !(value is ByteBuffer || value is String || value is any BinaryInteger || value is Bool
            || value is KafkaUUID || value is Double)
    }
}

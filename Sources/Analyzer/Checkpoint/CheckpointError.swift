/// A checkpoint that cannot be used: damaged, from another format, or written with other
/// aggregation settings. The message says what to do.
public struct CheckpointError: Error, CustomStringConvertible, Sendable {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Why a lab file cannot be used: where, and what to change.
public struct LabFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step the problem is in (its id, or its position when it has none); nil for the file.
    public var step: String?
    public var message: String

    public init(step: String? = nil, _ message: String) {
        self.step = step
        self.message = message
    }

    public var description: String {
        step.map { "step \($0): \(message)" } ?? message
    }
}

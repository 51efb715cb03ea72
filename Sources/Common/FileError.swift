#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file could not be read or written; `reason` is the system's text for the error number.
public struct FileError: Error, Sendable, CustomStringConvertible {
    /// The step that failed.
    public enum Operation: String, Sendable {
        case open
        case read
        case create
        case write
        case rename
    }

    /// The file concerned.
    public let path: String
    /// Which step failed.
    public let operation: Operation
    /// `errno` at the failure.
    public let errorNumber: Int32

    /// An error for `path`, with the `errno` of the failed call.
    public init(path: String, operation: Operation, errorNumber: Int32) {
        self.path = path
        self.operation = operation
        self.errorNumber = errorNumber
    }

    /// The system's text for `errorNumber` (`No such file or directory`).
    public var reason: String { String(cString: strerror(errorNumber)) }

    public var description: String { "cannot \(operation.rawValue) '\(path)': \(reason)" }
}

/// A malformed verdict: the contract's reason and a short explanation for people reading logs
/// or dead-lettered records, e.g. "field 'price' is a string, expected a number".
///
/// Only built when a record is rejected, which is rare, so the detail may be an ordinary
/// `String`.
public struct MalformedOrder: Error, Sendable, CustomStringConvertible {
    /// The first reason of the contract's order that applies to the record.
    public let reason: MalformedReason
    /// What exactly is wrong, in a few words.
    public let detail: String

    /// A verdict from its parts.
    public init(reason: MalformedReason, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// `reason: detail`, the form log lines use.
    public var description: String { "\(reason.rawValue): \(detail)" }
}

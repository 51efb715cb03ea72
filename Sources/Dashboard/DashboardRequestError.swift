/// A request the dashboard's backends cannot carry out: the appliance's controls
/// (`ApplianceControl`) or the broker console (`BrokerConsoleSource`). The message says why,
/// for the operator; the kind decides the HTTP status.
public struct DashboardRequestError: Error, Sendable, CustomStringConvertible {
    /// What kind of refusal: the HTTP layer maps it to a status code.
    public enum Kind: Sendable {
        /// No such component, topic or partition, or not part of this appliance (404).
        case notFound
        /// The request is invalid (400).
        case invalid
        /// It could not be done now (409).
        case conflict
        /// The cluster could not be reached or answered an error (503).
        case unavailable
    }

    /// What kind of refusal this is.
    public let kind: Kind
    /// What went wrong and what to do, for the operator.
    public let message: String

    /// An error of a kind with a message for the operator.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

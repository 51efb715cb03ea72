/// Who did what in the current lab: each student the appliance has seen, and when each of
/// their steps was done. A step once done stays done.
public struct ClassProgress: Sendable, Equatable, Codable {
    /// The lab it belongs to.
    public var labID: String
    /// When the lab started, ms since the epoch.
    public var startedAtMillis: Int64
    /// Each student, with when the appliance first saw them.
    public var students: [String: Int64]
    /// Per student, each done step's id with when it was seen done.
    public var done: [String: [String: Int64]]

    public init(labID: String, startedAtMillis: Int64) {
        self.labID = labID
        self.startedAtMillis = startedAtMillis
        students = [:]
        done = [:]
    }

    /// Notes `student` as seen at `millis` (the first time counts).
    public mutating func see(_ student: String, at millis: Int64) {
        if students[student] == nil { students[student] = millis }
    }

    /// Marks `step` done for `student` at `millis`; a step done before keeps its first time.
    public mutating func markDone(_ step: String, for student: String, at millis: Int64) {
        see(student, at: millis)
        if done[student]?[step] == nil { done[student, default: [:]][step] = millis }
    }

    /// When `student` did `step`; nil while not done.
    public func doneAt(_ step: String, for student: String) -> Int64? { done[student]?[step] }

    /// The students, by name.
    public var names: [String] { students.keys.sorted() }
}

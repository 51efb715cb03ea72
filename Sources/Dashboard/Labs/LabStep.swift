/// One step of a lab: a goal the appliance checks for each student, with what the student
/// reads about it.
public struct LabStep: Sendable, Equatable {
    /// Unique in the lab; names the step in progress files, the CSV and the API.
    public var id: String
    /// A line for the scoreboard; `{name}` stands for the student's name.
    public var title: String
    /// What to try when the step is not done yet; `{name}` and `{bootstrap}` are filled in.
    public var hint: String
    public var goal: LabGoal

    public init(id: String, title: String, hint: String = "", goal: LabGoal) {
        self.id = id
        self.title = title
        self.hint = hint
        self.goal = goal
    }
}

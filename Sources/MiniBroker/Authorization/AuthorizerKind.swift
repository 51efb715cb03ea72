/// Who decides what Kafka clients may do (`--authorizer`).
public enum AuthorizerKind: String, Sendable, CaseIterable {
    /// Nobody: every client may do everything, as on a Kafka broker without an authorizer.
    case none
    /// Kafka's ACLs, managed with CreateAcls/DeleteAcls (`kafka-acls`, the AdminClient).
    case acls
    /// Kafka's ACLs, then the classroom preset (`ClassroomPolicy`) for what no ACL decides.
    case classroom
}

/// Whether an ACL allows or denies, with Kafka's wire codes.
public enum AclPermission: Int8, Sendable, CaseIterable {
    /// Only in filters: both.
    case any = 1
    case deny = 2
    case allow = 3

    /// The name Kafka's tools print.
    public var name: String {
        switch self {
        case .any: "ANY"
        case .deny: "DENY"
        case .allow: "ALLOW"
        }
    }
}

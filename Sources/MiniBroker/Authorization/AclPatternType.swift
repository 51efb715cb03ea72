/// How an ACL's resource name is matched, with Kafka's wire codes (KIP-290).
public enum AclPatternType: Int8, Sendable, CaseIterable {
    /// Only in filters: every pattern type, names compared as they are.
    case any = 1
    /// Only in filters: the ACLs that apply to the filter's name (literal, wildcard or prefix).
    case match = 2
    /// The name itself, or every resource of its kind when the name is `*`.
    case literal = 3
    /// Every resource whose name starts with the name.
    case prefixed = 4

    /// The name Kafka's tools print.
    public var name: String {
        switch self {
        case .any: "ANY"
        case .match: "MATCH"
        case .literal: "LITERAL"
        case .prefixed: "PREFIXED"
        }
    }
}

/// What an ACL allows or denies, with Kafka's wire codes.
public enum AclOperation: Int8, Sendable, CaseIterable {
    /// Only in filters: every operation.
    case any = 1
    /// Every operation on the resource.
    case all = 2
    case read = 3
    case write = 4
    case create = 5
    case delete = 6
    case alter = 7
    case describe = 8
    case clusterAction = 9
    case describeConfigs = 10
    case alterConfigs = 11
    case idempotentWrite = 12
    case createTokens = 13
    case describeTokens = 14

    /// The name Kafka's tools print (`Read`, `DescribeConfigs`, ...).
    public var name: String {
        switch self {
        case .any: "Any"
        case .all: "All"
        case .read: "Read"
        case .write: "Write"
        case .create: "Create"
        case .delete: "Delete"
        case .alter: "Alter"
        case .describe: "Describe"
        case .clusterAction: "ClusterAction"
        case .describeConfigs: "DescribeConfigs"
        case .alterConfigs: "AlterConfigs"
        case .idempotentWrite: "IdempotentWrite"
        case .createTokens: "CreateTokens"
        case .describeTokens: "DescribeTokens"
        }
    }

    /// The operations whose ALLOW grants this one: itself, `All`, and for `Describe` and
    /// `DescribeConfigs` the operations that imply them (whoever may read, write, delete or
    /// alter a resource may see it; whoever may alter its configuration may read it).
    /// A DENY is never widened this way: denying `Read` leaves `Describe` as it was.
    var allowedBy: Set<AclOperation> {
        switch self {
        case .describe: [.describe, .read, .write, .delete, .alter, .all]
        case .describeConfigs: [.describeConfigs, .alterConfigs, .all]
        default: [self, .all]
        }
    }
}

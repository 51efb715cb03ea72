/// The kind of resource an ACL is about, with Kafka's wire codes.
public enum AclResourceType: Int8, Sendable, CaseIterable {
    /// Only in filters: every kind.
    case any = 1
    case topic = 2
    case group = 3
    /// The one cluster resource, named `kafka-cluster`.
    case cluster = 4
    case transactionalId = 5
    case delegationToken = 6
    case user = 7

    /// The name Kafka's tools print (`Topic`, `TransactionalId`, ...).
    public var name: String {
        switch self {
        case .any: "Any"
        case .topic: "Topic"
        case .group: "Group"
        case .cluster: "Cluster"
        case .transactionalId: "TransactionalId"
        case .delegationToken: "DelegationToken"
        case .user: "User"
        }
    }

    /// The only name the cluster resource has.
    public static let clusterName = "kafka-cluster"
}

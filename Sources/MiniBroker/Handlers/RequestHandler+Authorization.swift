import KafkaWire

extension RequestHandler {
    /// Whether the request's principal may do `operation` on the resource. A refusal is
    /// counted and logged (once per principal, host, operation and resource).
    func authorized(
        _ operation: AclOperation,
        _ resourceType: AclResourceType,
        _ resourceName: String,
        _ context: RequestContext
    ) -> Bool {
        if permits(operation, resourceType, resourceName, context) { return true }
        refusals.record(
            context.principal,
            host: context.clientHost,
            api: context.apiKey.name,
            operation: operation,
            resourceType: resourceType,
            resourceName: resourceName
        )
        return false
    }

    /// `authorized` on the cluster resource.
    func authorizedOnCluster(_ operation: AclOperation, _ context: RequestContext) -> Bool {
        authorized(operation, .cluster, AclResourceType.clusterName, context)
    }

    /// Whether the request's principal may do `operation` on the resource, without counting
    /// or logging a refusal: for what is left out of a listing rather than refused, and for
    /// the first of two ways to be allowed (CREATE on the cluster, else on the topic).
    func permits(
        _ operation: AclOperation,
        _ resourceType: AclResourceType,
        _ resourceName: String,
        _ context: RequestContext
    ) -> Bool {
        guard let authorizer else { return true }
        return authorizer.authorize(
            context.principal,
            host: context.clientHost,
            clientID: context.clientID,
            operation,
            resourceType,
            resourceName
        )
    }

    /// Whether topic creation is allowed: CREATE on the cluster, else on the topic.
    func authorizedToCreate(topic: String, _ context: RequestContext) -> Bool {
        permits(.create, .cluster, AclResourceType.clusterName, context) || authorized(.create, .topic, topic, context)
    }

    /// Whether an idempotent producer may start (KIP-679): IDEMPOTENT_WRITE on the cluster,
    /// or WRITE on at least one topic.
    func authorizedForIdempotence(_ context: RequestContext) -> Bool {
        guard let authorizer else { return true }
        if permits(.idempotentWrite, .cluster, AclResourceType.clusterName, context)
            || authorizer.authorizeAny(context.principal, host: context.clientHost, .write, .topic)
        {
            return true
        }
        return authorizedOnCluster(.idempotentWrite, context)
    }
}

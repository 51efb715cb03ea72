import KafkaWire

extension RequestHandler {
    /// DescribeUserScramCredentials v0 (`kafka-configs --describe --entity-type users`): the
    /// mechanisms and iteration counts of the named users, or of every user. Needs Describe on
    /// the cluster.
    func describeUserScramCredentials(
        _ request: DescribeUserScramCredentialsRequest,
        _ context: RequestContext
    ) -> DescribeUserScramCredentialsResponse {
        func info(_ credentials: [ScramCredential]) -> [DescribeUserScramCredentialsResponse.CredentialInfo] {
            credentials.map { .init(mechanism: $0.mechanism.kafkaType, iterations: $0.iterations) }
        }
        guard authorizedOnCluster(.describe, context) else {
            return DescribeUserScramCredentialsResponse(
                errorCode: KafkaErrorCode.clusterAuthorizationFailed.rawValue,
                errorMessage: "describing SCRAM credentials needs Describe on the cluster resource"
            )
        }
        let named = request.users?.map(\.name) ?? []
        guard !named.isEmpty else {
            return DescribeUserScramCredentialsResponse(
                results: users.all().map { .init(user: $0.user, credentialInfos: info($0.credentials)) }
            )
        }
        var counts: [String: Int] = [:]
        for name in named { counts[name, default: 0] += 1 }
        var seen = Set<String>()
        let results = named.filter { seen.insert($0).inserted }.map {
            name -> DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult in
            if counts[name, default: 0] > 1 {
                return .init(
                    user: name,
                    errorCode: KafkaErrorCode.duplicateResource.rawValue,
                    errorMessage: "'\(name)' is named more than once"
                )
            }
            let credentials = users.credentials(of: name)
            guard !credentials.isEmpty else {
                return .init(
                    user: name,
                    errorCode: KafkaErrorCode.resourceNotFound.rawValue,
                    errorMessage: "Attempt to describe a user credential that does not exist: '\(name)'"
                )
            }
            return .init(user: name, credentialInfos: info(credentials))
        }
        return DescribeUserScramCredentialsResponse(results: results)
    }

    /// AlterUserScramCredentials v0 (`kafka-configs --alter --add-config 'SCRAM-SHA-256=[...]'`,
    /// `aseed users`): deletions and upsertions, one result per user. Needs Alter on the cluster.
    func alterUserScramCredentials(
        _ request: AlterUserScramCredentialsRequest,
        _ context: RequestContext
    ) -> AlterUserScramCredentialsResponse {
        var changes: [(user: String, change: UserCredentials.Change)] = request.deletions.map {
            ($0.name, .delete(mechanism: $0.mechanism))
        }
        changes += request.upsertions.map {
            (
                $0.name,
                .upsert(
                    mechanism: $0.mechanism,
                    iterations: $0.iterations,
                    salt: Array($0.salt.readableBytesView),
                    saltedPassword: Array($0.saltedPassword.readableBytesView)
                )
            )
        }
        var order: [String] = []
        for (user, _) in changes where !order.contains(user) { order.append(user) }
        let refusals: [String: UserCredentials.Refusal]
        if !authorizedOnCluster(.alter, context) {
            let refusal = UserCredentials.Refusal(
                code: .clusterAuthorizationFailed,
                message: "changing SCRAM credentials needs Alter on the cluster resource"
            )
            refusals = Dictionary(uniqueKeysWithValues: order.map { ($0, refusal) })
        } else {
            do {
                refusals = try users.alter(changes)
            } catch {
                logger.error("storing SCRAM credentials failed: \(error)")
                let refusal = UserCredentials.Refusal(
                    code: .kafkaStorageError,
                    message: "the metadata store could not be written: \(error); nothing was changed"
                )
                refusals = Dictionary(uniqueKeysWithValues: order.map { ($0, refusal) })
            }
        }
        for user in order where refusals[user] == nil {
            logger.info("\(context.principal) from \(context.clientHost) changed the SCRAM credentials of '\(user)'")
        }
        return AlterUserScramCredentialsResponse(
            results: order.map { user in
                .init(user: user, errorCode: refusals[user]?.code.rawValue ?? 0, errorMessage: refusals[user]?.message)
            }
        )
    }
}

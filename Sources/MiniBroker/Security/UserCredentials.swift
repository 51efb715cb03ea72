import KafkaWire
import Synchronization

/// The users who may log in over SASL: their SCRAM credentials, kept in the metadata store and
/// in memory for logins.
///
/// Alterations follow Kafka's AlterUserScramCredentials (KIP-554): a request's changes are
/// grouped by user, and one bad change fails every change of that user, while other users'
/// changes apply.
final class UserCredentials: Sendable {
    /// One change to a user's credentials.
    enum Change {
        case delete(mechanism: Int8)
        case upsert(mechanism: Int8, iterations: Int32, salt: [UInt8], saltedPassword: [UInt8])

        var mechanismCode: Int8 {
            switch self {
            case .delete(let mechanism), .upsert(let mechanism, _, _, _): mechanism
            }
        }
    }

    /// Why a user's changes were refused.
    struct Refusal: Error, Equatable {
        var code: KafkaErrorCode
        var message: String
    }

    private let store: MetadataStore
    private let credentials: Mutex<[String: [ScramMechanism: ScramCredential]]>
    /// Made-up salts for unknown users derive from it; new at each start is enough, since a
    /// user name is only probed within a run.
    let decoySecret = SecureRandom.bytes(count: 32)

    init(store: MetadataStore) throws {
        self.store = store
        self.credentials = Mutex(try store.scramCredentials())
    }

    /// The stored credential of `user` for `mechanism`.
    func credential(user: String, mechanism: ScramMechanism) -> ScramCredential? {
        credentials.withLock { $0[user]?[mechanism] }
    }

    /// Every credential of `user`, SHA-256 first.
    func credentials(of user: String) -> [ScramCredential] {
        credentials.withLock { all in
            ScramMechanism.allCases.compactMap { all[user]?[$0] }
        }
    }

    /// Users and their credentials, sorted by name.
    func all() -> [(user: String, credentials: [ScramCredential])] {
        credentials.withLock { all in
            all.keys.sorted().map { user in (user, ScramMechanism.allCases.compactMap { all[user]?[$0] }) }
        }
    }

    /// Stores `login`'s password as SCRAM-SHA-256 and SCRAM-SHA-512 credentials of its user,
    /// replacing what the user had for them.
    /// - Throws: when the store cannot be written.
    func store(_ login: KafkaClientSecurity.SaslLogin) throws {
        let upsertions = ScramMechanism.allCases.map { mechanism in
            (user: login.username, credential: ScramCredential(mechanism: mechanism, password: login.password))
        }
        try credentials.withLock { current in
            try store.alterScramCredentials(deleting: [], upserting: upsertions)
            for (user, credential) in upsertions {
                current[user, default: [:]][credential.mechanism] = credential
            }
        }
    }

    /// Applies each user's changes; returns the refusal per user whose changes were refused.
    /// - Throws: when the store cannot be written; nothing changed then.
    func alter(_ changes: [(user: String, change: Change)]) throws -> [String: Refusal] {
        var refusals: [String: Refusal] = [:]
        var seen = Set<String>()
        for (user, change) in changes {
            let key = "\(user)\u{0}\(change.mechanismCode)"
            if !seen.insert(key).inserted {
                refusals[user] = Refusal(
                    code: .duplicateResource,
                    message:
                        "more than one change to the \(Self.mechanismName(change.mechanismCode)) credential"
                        + " of '\(user)' in one request"
                )
            }
        }
        return try credentials.withLock { current in
            var deletions: [(user: String, mechanism: ScramMechanism)] = []
            var upsertions: [(user: String, credential: ScramCredential)] = []
            for (user, change) in changes where refusals[user] == nil {
                switch Self.check(user: user, change: change, current: current) {
                case .failure(let refusal):
                    refusals[user] = refusal
                case .success(.delete(let mechanism)):
                    deletions.append((user, mechanism))
                case .success(.upsert(let credential)):
                    upsertions.append((user, credential))
                }
            }
            deletions.removeAll { refusals[$0.user] != nil }
            upsertions.removeAll { refusals[$0.user] != nil }
            try store.alterScramCredentials(deleting: deletions, upserting: upsertions)
            for (user, mechanism) in deletions {
                current[user]?[mechanism] = nil
                if current[user]?.isEmpty == true { current[user] = nil }
            }
            for (user, credential) in upsertions {
                current[user, default: [:]][credential.mechanism] = credential
            }
            return refusals
        }
    }

    private enum CheckedChange {
        case delete(ScramMechanism)
        case upsert(ScramCredential)
    }

    private static func check(
        user: String,
        change: Change,
        current: [String: [ScramMechanism: ScramCredential]]
    ) -> Result<CheckedChange, Refusal> {
        guard !user.isEmpty else {
            return .failure(Refusal(code: .unacceptableCredential, message: "the user name is empty"))
        }
        guard let mechanism = ScramMechanism(kafkaType: change.mechanismCode) else {
            return .failure(
                Refusal(
                    code: .unsupportedSaslMechanism,
                    message: "unknown SCRAM mechanism \(change.mechanismCode): 1 is SCRAM-SHA-256, 2 SCRAM-SHA-512"
                )
            )
        }
        switch change {
        case .delete:
            guard current[user]?[mechanism] != nil else {
                return .failure(
                    Refusal(
                        code: .resourceNotFound,
                        message: "'\(user)' has no \(mechanism.sasl.rawValue) credential to delete"
                    )
                )
            }
            return .success(.delete(mechanism))
        case .upsert(_, let iterations, let salt, let saltedPassword):
            guard ScramMechanism.iterationRange.contains(iterations) else {
                let range = ScramMechanism.iterationRange
                return .failure(
                    Refusal(
                        code: .unacceptableCredential,
                        message:
                            "\(iterations) iterations: \(mechanism.sasl.rawValue) takes"
                            + " \(range.lowerBound) to \(range.upperBound)"
                    )
                )
            }
            guard !salt.isEmpty, saltedPassword.count == mechanism.hashLength else {
                return .failure(
                    Refusal(
                        code: .unacceptableCredential,
                        message:
                            "a \(mechanism.sasl.rawValue) credential needs a salt and a"
                            + " \(mechanism.hashLength)-byte salted password"
                    )
                )
            }
            let credential = ScramCredential(
                mechanism: mechanism,
                salt: salt,
                saltedPassword: saltedPassword,
                iterations: iterations
            )
            return .success(.upsert(credential))
        }
    }

    private static func mechanismName(_ code: Int8) -> String {
        ScramMechanism(kafkaType: code)?.sasl.rawValue ?? "mechanism \(code)"
    }
}

import KafkaWire
import SQLite

extension MetadataStore {
    /// Every stored SCRAM credential, by user.
    func scramCredentials() throws -> [String: [ScramMechanism: ScramCredential]] {
        try withDatabase { database in
            let rows = try database.statement(
                "SELECT user, mechanism, salt, stored_key, server_key, iterations FROM scram_credentials"
            ).rows { row -> (String, ScramCredential)? in
                guard let user = row.string(at: 0),
                    let mechanism = SaslMechanism(rawValue: row.string(at: 1) ?? "")?.scram
                else { return nil }
                let credential = ScramCredential(
                    mechanism: mechanism,
                    salt: row.blob(at: 2),
                    storedKey: row.blob(at: 3),
                    serverKey: row.blob(at: 4),
                    iterations: Int32(truncatingIfNeeded: row.int64(at: 5))
                )
                return (user, credential)
            }
            var credentials: [String: [ScramMechanism: ScramCredential]] = [:]
            for case let (user, credential)? in rows {
                credentials[user, default: [:]][credential.mechanism] = credential
            }
            return credentials
        }
    }

    /// Applies deletions and upsertions in one transaction: all of them or none.
    func alterScramCredentials(
        deleting deletions: [(user: String, mechanism: ScramMechanism)],
        upserting upsertions: [(user: String, credential: ScramCredential)]
    ) throws {
        try withDatabase { database in
            try database.transaction {
                let delete = try database.statement("DELETE FROM scram_credentials WHERE user = ? AND mechanism = ?")
                for (user, mechanism) in deletions {
                    try delete.run([.text(user), .text(mechanism.sasl.rawValue)])
                }
                let upsert = try database.statement(
                    """
                    INSERT OR REPLACE INTO scram_credentials
                        (user, mechanism, salt, stored_key, server_key, iterations) VALUES (?, ?, ?, ?, ?, ?)
                    """
                )
                for (user, credential) in upsertions {
                    try upsert.run([
                        .text(user), .text(credential.mechanism.sasl.rawValue), .blob(credential.salt),
                        .blob(credential.storedKey), .blob(credential.serverKey),
                        .integer(Int64(credential.iterations)),
                    ])
                }
            }
        }
    }
}

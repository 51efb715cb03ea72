import SQLite

extension MetadataStore {
    /// Every stored ACL; rows with codes this build does not know are left out.
    func aclBindings() throws -> [AclBinding] {
        try withDatabase { database in
            try database.statement(
                """
                SELECT resource_type, resource_name, pattern_type, principal, host, operation, permission
                FROM acls
                """
            ).rows { row -> AclBinding? in
                guard let resourceType = AclResourceType(rawValue: Int8(truncatingIfNeeded: row.int64(at: 0))),
                    let resourceName = row.string(at: 1),
                    let patternType = AclPatternType(rawValue: Int8(truncatingIfNeeded: row.int64(at: 2))),
                    let principal = row.string(at: 3),
                    let host = row.string(at: 4),
                    let operation = AclOperation(rawValue: Int8(truncatingIfNeeded: row.int64(at: 5))),
                    let permission = AclPermission(rawValue: Int8(truncatingIfNeeded: row.int64(at: 6)))
                else { return nil }
                return AclBinding(
                    resourceType: resourceType,
                    resourceName: resourceName,
                    patternType: patternType,
                    principal: principal,
                    host: host,
                    operation: operation,
                    permission: permission
                )
            }.compactMap { $0 }
        }
    }

    /// Stores `bindings` in one transaction; ones already stored stay.
    func insertAclBindings(_ bindings: [AclBinding]) throws {
        try withDatabase { database in
            try database.transaction {
                let insert = try database.statement(
                    """
                    INSERT OR IGNORE INTO acls
                        (resource_type, resource_name, pattern_type, principal, host, operation, permission)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
                )
                for binding in bindings {
                    try insert.run(Self.values(binding))
                }
            }
        }
    }

    /// Removes `bindings` in one transaction.
    func deleteAclBindings(_ bindings: [AclBinding]) throws {
        guard !bindings.isEmpty else { return }
        try withDatabase { database in
            try database.transaction {
                let delete = try database.statement(
                    """
                    DELETE FROM acls WHERE resource_type = ? AND resource_name = ? AND pattern_type = ?
                        AND principal = ? AND host = ? AND operation = ? AND permission = ?
                    """
                )
                for binding in bindings {
                    try delete.run(Self.values(binding))
                }
            }
        }
    }

    private static func values(_ binding: AclBinding) -> [SQLiteValue] {
        [
            .integer(Int64(binding.resourceType.rawValue)), .text(binding.resourceName),
            .integer(Int64(binding.patternType.rawValue)), .text(binding.principal), .text(binding.host),
            .integer(Int64(binding.operation.rawValue)), .integer(Int64(binding.permission.rawValue)),
        ]
    }
}

/// Who a connection belongs to in a class: the user name it logged in with, else its client
/// id, as the broker's classroom preset names students. The appliance's own clients and the
/// names the preset reserves are nobody.
public enum LabStudent {
    static let reservedNames: Set<String> = ["students", "orders", "aseed"]

    /// The student behind `connection`; nil for the appliance's own clients or no name at all.
    public static func name(of connection: ConsoleConnection) -> String? {
        let user = connection.principal.hasPrefix("User:") ? String(connection.principal.dropFirst(5)) : ""
        return name(user: user == "ANONYMOUS" ? nil : user, clientID: connection.clientID)
    }

    /// The student named by a login `user` (nil without one) or else `clientID`.
    public static func name(user: String?, clientID: String?) -> String? {
        let name = user ?? clientID ?? ""
        guard !name.isEmpty, !reservedNames.contains(name), !name.hasPrefix("aseed-") else { return nil }
        return name
    }
}

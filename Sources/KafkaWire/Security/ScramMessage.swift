/// The attribute syntax of SCRAM messages (RFC 5802 section 5), shared by the client and the
/// broker: `k=v` pairs separated by commas, and user names with ',' and '=' escaped.
package enum ScramMessage {
    /// `k=v` pairs in order.
    package static func attributes(_ text: String) -> [(key: String, value: String)] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let equals = part.firstIndex(of: "=") else { return (String(part), "") }
            return (String(part[..<equals]), String(part[part.index(after: equals)...]))
        }
    }

    /// A saslname with "=2C" and "=3D" decoded; nil when another "=" escape appears.
    package static func unescape(_ name: String) -> String? {
        var result = ""
        var rest = Substring(name)
        while let equals = rest.firstIndex(of: "=") {
            result += rest[..<equals]
            let code = rest[rest.index(after: equals)...].prefix(2)
            switch code {
            case "2C": result += ","
            case "3D": result += "="
            default: return nil
            }
            rest = rest[rest.index(equals, offsetBy: 3)...]
        }
        return result + rest
    }

    /// A user name as a saslname: '=' as "=3D" and ',' as "=2C".
    package static func escape(_ name: String) -> String {
        var result = ""
        for character in name {
            switch character {
            case "=": result += "=3D"
            case ",": result += "=2C"
            default: result.append(character)
            }
        }
        return result
    }
}

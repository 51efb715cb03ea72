/// Generates member ids the way Kafka does for new members: the client id, a dash and a
/// random UUID (version 4), so ids are unique and still tell which client they belong to.
enum GroupMemberID {
    static func generate(clientID: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(clientID: clientID, using: &generator)
    }

    static func generate(clientID: String, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return "\(clientID)-\(uuidString(bytes))"
    }

    private static func uuidString(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        let groups = [0..<4, 4..<6, 6..<8, 8..<10, 10..<16]
        return groups.map { hex[$0].joined() }.joined(separator: "-")
    }
}

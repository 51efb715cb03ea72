/// The one message of SASL PLAIN (RFC 4616): `authzid NUL user NUL password`.
struct PlainToken: Equatable {
    var user: String
    var password: String

    /// Parses a token; the authorization id must be empty or the user itself, as Kafka requires.
    init(_ bytes: [UInt8]) throws(SaslFailure) {
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw SaslFailure("malformed PLAIN token: expected authzid NUL user NUL password")
        }
        let authorizationID = String(decoding: parts[0], as: UTF8.self)
        user = String(decoding: parts[1], as: UTF8.self)
        password = String(decoding: parts[2], as: UTF8.self)
        guard !user.isEmpty else { throw SaslFailure("PLAIN token without a user name") }
        guard !password.isEmpty else { throw SaslFailure("PLAIN token without a password") }
        guard authorizationID.isEmpty || authorizationID == user else {
            throw SaslFailure("authorization id '\(authorizationID)' differs from the user name '\(user)'")
        }
    }
}

import Common
import KafkaWire

/// The server side of one SCRAM exchange (RFC 5802, without channel binding, as Kafka):
/// client-first -> server-first, client-final -> server-final.
///
/// A user without a credential for the mechanism gets a made-up salt and count that stay the
/// same for that name, and fails only at the proof, so the exchange does not reveal which user
/// names exist.
struct ScramServerExchange {
    private enum Stage {
        case expectingClientFirst
        case expectingClientFinal(
            user: String,
            credential: ScramCredential?,
            clientFirstBare: String,
            serverFirst: String,
            nonce: String,
            gs2Header: String
        )
        case done
    }

    let mechanism: ScramMechanism
    private let lookup: (String) -> ScramCredential?
    private let serverNonce: String
    private let decoySecret: [UInt8]
    private var stage = Stage.expectingClientFirst
    /// The user named in the client-first message, once it arrived.
    private(set) var user: String?

    /// - Parameters:
    ///   - lookup: the stored credential of a user for this mechanism.
    ///   - decoySecret: a per-broker secret the made-up salts of unknown users derive from.
    init(
        mechanism: ScramMechanism,
        decoySecret: [UInt8],
        serverNonce: String = SecureRandom.nonce(),
        lookup: @escaping (String) -> ScramCredential?
    ) {
        self.mechanism = mechanism
        self.lookup = lookup
        self.serverNonce = serverNonce
        self.decoySecret = decoySecret
    }

    /// Answers the client-first message with the server-first message.
    mutating func respond(toClientFirst message: [UInt8]) throws(SaslFailure) -> [UInt8] {
        guard case .expectingClientFirst = stage else { throw SaslFailure("unexpected SCRAM client-first message") }
        stage = .done
        let text = String(decoding: message, as: UTF8.self)
        let (gs2Header, bare) = try Self.splitGS2Header(text)
        let attributes = ScramMessage.attributes(bare)
        guard attributes.first?.key == "n", let escapedUser = attributes.first?.value,
            attributes.count >= 2, attributes[1].key == "r", !attributes[1].value.isEmpty
        else {
            throw SaslFailure("malformed SCRAM client-first message: expected n=<user>,r=<nonce>")
        }
        if attributes.dropFirst(2).contains(where: { $0.key == "tokenauth" && $0.value.lowercased() == "true" }) {
            throw SaslFailure("delegation tokens (tokenauth) are not supported by this broker")
        }
        guard let user = ScramMessage.unescape(escapedUser), !user.isEmpty else {
            throw SaslFailure("malformed SCRAM user name '\(escapedUser)'")
        }
        if let authorizationID = gs2Header.authorizationID, authorizationID != user {
            throw SaslFailure("authorization id '\(authorizationID)' differs from the user name '\(user)'")
        }
        self.user = user
        let nonce = attributes[1].value + serverNonce
        let credential = lookup(user)
        let salt = credential?.salt ?? decoySalt(for: user)
        let iterations = credential?.iterations ?? 4096
        let serverFirst = "r=\(nonce),s=\(Base64.encode(salt)),i=\(iterations)"
        stage = .expectingClientFinal(
            user: user,
            credential: credential,
            clientFirstBare: bare,
            serverFirst: serverFirst,
            nonce: nonce,
            gs2Header: gs2Header.text
        )
        return Array(serverFirst.utf8)
    }

    /// Checks the client-final message's proof; returns the authenticated user and the
    /// server-final message that proves the server knows the credential too.
    mutating func respond(toClientFinal message: [UInt8]) throws(SaslFailure) -> (user: String, serverFinal: [UInt8]) {
        guard
            case .expectingClientFinal(
                let user,
                let credential,
                let clientFirstBare,
                let serverFirst,
                let nonce,
                let gs2Header
            ) = stage
        else { throw SaslFailure("unexpected SCRAM client-final message") }
        stage = .done
        let text = String(decoding: message, as: UTF8.self)
        // The proof is the last attribute; everything before it is signed.
        guard let proofStart = text.utf8.indices.last(where: { text.utf8[$0...].starts(with: ",p=".utf8) }) else {
            throw SaslFailure("malformed SCRAM client-final message: no proof")
        }
        let withoutProof = String(text[..<proofStart])
        let attributes = ScramMessage.attributes(withoutProof)
        guard attributes.count >= 2, attributes[0].key == "c", attributes[1].key == "r" else {
            throw SaslFailure("malformed SCRAM client-final message: expected c=<binding>,r=<nonce>,...,p=<proof>")
        }
        guard Base64.decode(attributes[0].value) == Array(gs2Header.utf8) else {
            throw SaslFailure("SCRAM channel binding does not match the client-first message")
        }
        // Kafka checks only that the nonce ends with the server-first one, and librdkafka 2.0
        // sends its own part twice; a stricter check would lock those clients out.
        guard attributes[1].value.hasSuffix(nonce) else { throw SaslFailure("SCRAM nonce does not match") }
        guard let proof = Base64.decode(String(text[text.utf8.index(proofStart, offsetBy: 3)...])),
            proof.count == mechanism.hashLength
        else { throw SaslFailure("malformed SCRAM client proof") }
        guard let credential else { throw SaslFailure.invalidCredentials(mechanism.sasl) }
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = mechanism.hmac(key: credential.storedKey, authMessage)
        let clientKey = zip(proof, clientSignature).map { $0 ^ $1 }
        guard ConstantTime.equal(mechanism.hash(clientKey), credential.storedKey) else {
            throw SaslFailure.invalidCredentials(mechanism.sasl)
        }
        let serverSignature = mechanism.hmac(key: credential.serverKey, authMessage)
        return (user, Array("v=\(Base64.encode(serverSignature))".utf8))
    }

    private func decoySalt(for user: String) -> [UInt8] {
        Array(mechanism.hmac(key: decoySecret, Array(user.utf8)).prefix(24))
    }

    /// The GS2 header ("n,," or "n,a=user,"; "y" when the client could bind a channel but
    /// believes the server cannot) and the rest of the message.
    private static func splitGS2Header(
        _ text: String
    ) throws(SaslFailure) -> ((text: String, authorizationID: String?), String) {
        let parts = text.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "n" || parts[0] == "y" else {
            if text.hasPrefix("p=") { throw SaslFailure("SCRAM channel binding is not supported") }
            throw SaslFailure("malformed SCRAM client-first message: expected a GS2 header 'n,,'")
        }
        var authorizationID: String?
        if !parts[1].isEmpty {
            guard parts[1].hasPrefix("a="), let name = ScramMessage.unescape(String(parts[1].dropFirst(2))) else {
                throw SaslFailure("malformed SCRAM authorization id '\(parts[1])'")
            }
            authorizationID = name
        }
        return ((text: "\(parts[0]),\(parts[1]),", authorizationID: authorizationID), String(parts[2]))
    }
}

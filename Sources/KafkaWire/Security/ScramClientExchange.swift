import Common

/// The client side of one SCRAM exchange (RFC 5802 without channel binding, as Kafka uses it):
/// client-first, then client-final from the server-first message, then the server-final
/// message checked, so that a broker that does not know the credential is not trusted either.
package struct ScramClientExchange {
    package let mechanism: ScramMechanism
    private let password: String
    private let clientNonce: String
    private let clientFirstBare: String
    private var expectedServerSignature: [UInt8]?

    package init(mechanism: ScramMechanism, user: String, password: String, clientNonce: String = SecureRandom.nonce())
    {
        self.mechanism = mechanism
        self.password = password
        self.clientNonce = clientNonce
        self.clientFirstBare = "n=\(ScramMessage.escape(user)),r=\(clientNonce)"
    }

    /// The first message: no channel binding, no authorization id.
    package var clientFirst: [UInt8] { Array("n,,\(clientFirstBare)".utf8) }

    /// The final message, with the proof for the server's salt, count and nonce.
    /// - Throws: why the server-first message cannot be answered.
    package mutating func clientFinal(serverFirst message: [UInt8]) throws(ScramClientFailure) -> [UInt8] {
        let serverFirst = String(decoding: message, as: UTF8.self)
        let attributes = ScramMessage.attributes(serverFirst)
        if let error = attributes.first(where: { $0.key == "e" }) {
            throw ScramClientFailure("the broker refused the SCRAM login: \(error.value)")
        }
        guard attributes.count >= 3, attributes[0].key == "r", attributes[1].key == "s", attributes[2].key == "i",
            let salt = Base64.decode(attributes[1].value),
            let iterations = Int(attributes[2].value)
        else {
            throw ScramClientFailure("malformed SCRAM server-first message '\(serverFirst)'")
        }
        let nonce = attributes[0].value
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw ScramClientFailure("the broker's SCRAM nonce does not extend this client's")
        }
        // A broker asking for fewer rounds than Kafka's minimum could be weakening the proof.
        guard ScramMechanism.iterationRange.contains(Int32(clamping: iterations)) else {
            throw ScramClientFailure("the broker asked for \(iterations) SCRAM iterations, outside 4096-16384")
        }
        let salted = mechanism.saltedPassword(Array(password.utf8), salt: salt, iterations: iterations)
        let clientKey = mechanism.hmac(key: salted, Array("Client Key".utf8))
        let storedKey = mechanism.hash(clientKey)
        let withoutProof = "c=\(Base64.encode(Array("n,,".utf8))),r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let proof = zip(clientKey, mechanism.hmac(key: storedKey, authMessage)).map { $0 ^ $1 }
        let serverKey = mechanism.hmac(key: salted, Array("Server Key".utf8))
        expectedServerSignature = mechanism.hmac(key: serverKey, authMessage)
        return Array("\(withoutProof),p=\(Base64.encode(proof))".utf8)
    }

    /// Checks that the server-final message proves the broker holds the credential.
    package func verify(serverFinal message: [UInt8]) throws(ScramClientFailure) {
        let text = String(decoding: message, as: UTF8.self)
        let attributes = ScramMessage.attributes(text)
        if let error = attributes.first(where: { $0.key == "e" }) {
            throw ScramClientFailure("the broker refused the SCRAM login: \(error.value)")
        }
        guard let expectedServerSignature, let signature = attributes.first(where: { $0.key == "v" }),
            let bytes = Base64.decode(signature.value), ConstantTime.equal(bytes, expectedServerSignature)
        else {
            throw ScramClientFailure("the broker's SCRAM signature does not match: it does not know this credential")
        }
    }
}

/// Why a SCRAM login could not go on, as a sentence.
package struct ScramClientFailure: Error {
    package var message: String

    package init(_ message: String) {
        self.message = message
    }
}

import KafkaWire

/// What the broker keeps of a user's password for one SCRAM mechanism (RFC 5802 section 3):
/// enough to check a proof and to prove itself, never the password.
public struct ScramCredential: Sendable, Equatable {
    public var mechanism: ScramMechanism
    public var salt: [UInt8]
    /// H(ClientKey): a client proof is checked against it.
    public var storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key"): signs the server's final message.
    public var serverKey: [UInt8]
    public var iterations: Int32

    public init(mechanism: ScramMechanism, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8], iterations: Int32) {
        self.mechanism = mechanism
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
        self.iterations = iterations
    }

    /// The credential for a salted password, as AlterUserScramCredentials carries it (the
    /// client derives it, so the password itself never reaches the broker).
    public init(mechanism: ScramMechanism, salt: [UInt8], saltedPassword: [UInt8], iterations: Int32) {
        let clientKey = mechanism.hmac(key: saltedPassword, Array("Client Key".utf8))
        self.init(
            mechanism: mechanism,
            salt: salt,
            storedKey: mechanism.hash(clientKey),
            serverKey: mechanism.hmac(key: saltedPassword, Array("Server Key".utf8)),
            iterations: iterations
        )
    }

    /// The credential for `password` with a fresh random salt.
    public init(mechanism: ScramMechanism, password: String, iterations: Int32 = 4096) {
        let salt = ScramMechanism.newSalt()
        let salted = mechanism.saltedPassword(Array(password.utf8), salt: salt, iterations: Int(iterations))
        self.init(mechanism: mechanism, salt: salt, saltedPassword: salted, iterations: iterations)
    }

    /// Whether `password` is the one this credential was made from (PLAIN logins).
    func matches(password: String) -> Bool {
        let salted = mechanism.saltedPassword(Array(password.utf8), salt: salt, iterations: Int(iterations))
        let clientKey = mechanism.hmac(key: salted, Array("Client Key".utf8))
        return ConstantTime.equal(mechanism.hash(clientKey), storedKey)
    }
}

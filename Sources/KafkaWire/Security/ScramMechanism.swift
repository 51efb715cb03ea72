import Crypto
import CryptoExtras

/// The hash behind a SCRAM mechanism and the primitives RFC 5802 builds from it.
public enum ScramMechanism: Sendable, CaseIterable, Hashable {
    case sha256
    case sha512

    /// Kafka's fewest and most iterations for a stored credential (`ScramMechanism.java`).
    public static let iterationRange: ClosedRange<Int32> = 4096...16384

    /// The mechanism's SASL name.
    public var sasl: SaslMechanism {
        switch self {
        case .sha256: .scramSHA256
        case .sha512: .scramSHA512
        }
    }

    /// The code DescribeUserScramCredentials and AlterUserScramCredentials use (KIP-554).
    public var kafkaType: Int8 {
        switch self {
        case .sha256: 1
        case .sha512: 2
        }
    }

    /// The mechanism with Kafka's type code, nil for an unknown one.
    public init?(kafkaType: Int8) {
        guard let mechanism = Self.allCases.first(where: { $0.kafkaType == kafkaType }) else { return nil }
        self = mechanism
    }

    /// Bytes of the hash's output.
    public var hashLength: Int {
        switch self {
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// H(data).
    package func hash(_ data: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: Array(SHA256.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }

    /// HMAC(key, data).
    package func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch self {
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        }
    }

    /// A fresh random salt for a new credential.
    public static func newSalt() -> [UInt8] {
        SecureRandom.bytes(count: 24)
    }

    /// Hi(password, salt, iterations) of RFC 5802: PBKDF2 with this HMAC, one hash long.
    /// SCRAM fixes the iteration counts far below what PBKDF2 alone is advised to use, hence
    /// the unchecked call.
    public func saltedPassword(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let function: KDF.Insecure.PBKDF2.HashFunction = self == .sha256 ? .sha256 : .sha512
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: password,
            salt: salt,
            using: function,
            outputByteCount: hashLength,
            unsafeUncheckedRounds: iterations
        )
        return key.map { $0.withUnsafeBytes { Array($0) } } ?? []
    }
}

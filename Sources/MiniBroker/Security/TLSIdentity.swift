import Crypto
import FoundationEssentials
import KafkaWire
import NIOSSL
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#endif

/// The certificate and private key TLS listeners (and the dashboard's HTTPS) present.
///
/// Either files the operator gives (PEM; the certificate file may hold the chain), or one the
/// appliance makes at its first start and keeps in `<data-dir>/tls/`: self-signed, ECDSA P-256,
/// ten years, naming `localhost`, the loopback addresses, the machine's name and the advertised
/// hosts, so clients that check host names accept it when they trust `certificate.pem`. Its
/// SHA-256 fingerprint is printed at start, so a class can check it is talking to the
/// teacher's machine.
public struct TLSIdentity: Sendable {
    /// The certificate chain, leaf first.
    public let certificates: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey
    /// Where the certificate is, for clients to trust (`ssl.ca.location`).
    public let certificatePath: String
    /// Whether this start made it.
    public let generated: Bool

    /// SHA-256 of the leaf certificate's DER, as uppercase hex pairs joined by colons (the
    /// form `openssl x509 -fingerprint -sha256` and browsers show).
    public var fingerprint: String {
        let der = (try? certificates[0].toDERBytes()) ?? []
        return SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// A server-side TLS context presenting this identity.
    public func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        return try NIOSSLContext(configuration: configuration)
    }

    /// The identity in PEM files the operator chose.
    /// - Throws: `SecurityConfigurationError` naming the file that is missing or not PEM.
    public static func load(certificatePath: String, keyPath: String) throws(SecurityConfigurationError) -> TLSIdentity
    {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw SecurityConfigurationError(
                "tls-certificate: cannot read a PEM certificate from \(certificatePath): \(error)"
            )
        }
        guard !certificates.isEmpty else {
            throw SecurityConfigurationError("tls-certificate: \(certificatePath) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw SecurityConfigurationError("tls-key: cannot read a PEM private key from \(keyPath): \(error)")
        }
        return TLSIdentity(
            certificates: certificates,
            privateKey: key,
            certificatePath: certificatePath,
            generated: false
        )
    }

    /// The appliance's own identity in `directory` (`certificate.pem`, `private-key.pem`),
    /// made there first if it does not exist yet.
    /// - Parameter hostnames: names and addresses the certificate must be valid for, besides
    ///   localhost, the loopback addresses and the machine's name.
    public static func applianceOwn(in directory: String, hostnames: [String]) throws -> TLSIdentity {
        let certificatePath = directory + "/certificate.pem"
        let keyPath = directory + "/private-key.pem"
        if FileSystem.fileExists(certificatePath) && FileSystem.fileExists(keyPath) {
            return try load(certificatePath: certificatePath, keyPath: keyPath)
        }
        try FileSystem.createDirectory(directory)
        let key = P256.Signing.PrivateKey()
        let certificate = try selfSigned(key: key, hostnames: hostnames)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let certificatePEM = PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString
        // The key first: a certificate without its key would be taken as complete next time.
        try FileSystem.writeAtomically(
            Array(key.pemRepresentation.utf8),
            to: keyPath,
            directory: directory,
            mode: 0o600
        )
        try FileSystem.writeAtomically(Array((certificatePEM + "\n").utf8), to: certificatePath, directory: directory)
        let loaded = try load(certificatePath: certificatePath, keyPath: keyPath)
        return TLSIdentity(
            certificates: loaded.certificates,
            privateKey: loaded.privateKey,
            certificatePath: certificatePath,
            generated: true
        )
    }

    private static func selfSigned(key: P256.Signing.PrivateKey, hostnames: [String]) throws -> Certificate {
        let name = try DistinguishedName {
            OrganizationName("ASEED appliance")
            CommonName(hostName() ?? "aseed")
        }
        var names: [GeneralName] = []
        // A wildcard bind address is no name a client connects to.
        let named = hostnames.filter { !["", "0.0.0.0", "::"].contains($0) }
        for host in ["localhost", "127.0.0.1", "::1", hostName()].compactMap({ $0 }) + named {
            let entry = generalName(host)
            if !names.contains(entry) { names.append(entry) }
        }
        let now = Date()
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now - 3600,
            notValidAfter: now + 10 * 365 * 86_400,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                // Its own trust anchor: clients are given this very certificate as their CA.
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key)
        )
    }

    /// An IP address entry for addresses, a DNS name otherwise.
    private static func generalName(_ host: String) -> GeneralName {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: v4) { ArraySlice($0) }))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: v6) { ArraySlice($0) }))
        }
        return .dnsName(host)
    }

    private static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(cString: buffer)
        return name.isEmpty ? nil : name
    }
}

import KafkaWire
import NIOSSL
import Testing
import X509

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

@Suite("TLS identity: the appliance's own certificate, or the operator's files")
struct TLSIdentityTests {
    @Test func madeOnceThenReused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let first = try TLSIdentity.applianceOwn(in: directory.path + "/tls", hostnames: ["teacher.local", "10.1.2.3"])
        #expect(first.generated)
        let again = try TLSIdentity.applianceOwn(in: directory.path + "/tls", hostnames: [])
        #expect(!again.generated)
        #expect(again.fingerprint == first.fingerprint)
        #expect(first.fingerprint.split(separator: ":").count == 32)
        var status = stat()
        #expect(stat(directory.path + "/tls/private-key.pem", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        _ = try first.serverContext()
    }

    @Test func namesTheAdvertisedHostsAndLoopback() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let identity = try TLSIdentity.applianceOwn(
            in: directory.path,
            hostnames: ["teacher.local", "10.1.2.3", "0.0.0.0"]
        )
        let certificate = try Certificate(derEncoded: try identity.certificates[0].toDERBytes())
        let alternatives = try #require(try certificate.extensions.subjectAlternativeNames)
        let names = alternatives.map { name -> String in
            switch name {
            case .dnsName(let host): host
            case .ipAddress(let address): address.bytes.map(String.init).joined(separator: ".")
            default: "?"
            }
        }
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(names.contains("localhost"))
        #expect(names.contains("127.0.0.1"))
        #expect(names.contains("teacher.local"))
        #expect(names.contains("10.1.2.3"))
        #expect(!names.contains("0.0.0.0"))
    }

    @Test func unreadableFilesAreNamed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let identity = try TLSIdentity.applianceOwn(in: directory.path, hostnames: [])
        #expect(throws: SecurityConfigurationError.self) {
            try TLSIdentity.load(
                certificatePath: directory.path + "/missing.pem",
                keyPath: directory.path + "/private-key.pem"
            )
        }
        #expect(throws: SecurityConfigurationError.self) {
            try TLSIdentity.load(certificatePath: identity.certificatePath, keyPath: identity.certificatePath)
        }
        let loaded = try TLSIdentity.load(
            certificatePath: identity.certificatePath,
            keyPath: directory.path + "/private-key.pem"
        )
        #expect(loaded.fingerprint == identity.fingerprint && !loaded.generated)
    }
}

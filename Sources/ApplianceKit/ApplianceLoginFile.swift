import Common
import KafkaWire

#if canImport(Glibc)
import Glibc
#endif

/// `<data-dir>/appliance-login.conf` (mode 0600): where and how the appliance's own user logs
/// in to its embedded broker while an authorizer is on, in the config file's `key = value`
/// form (`bootstrap-servers`, `security-protocol`, `sasl-*`, `ssl-ca-location`).
///
/// `aseed run` writes it at each start (the password is new each time) and removes it when it
/// starts without an authorizer. Operator commands on the same machine that are given no
/// cluster of their own read it and act as the appliance, as Kafka's own tools act with an
/// admin's `client.properties`; so the teacher can make the first users. Whoever can read the
/// data directory could already read the broker's data.
public enum ApplianceLoginFile {
    static let name = "appliance-login.conf"

    /// The file's path in `dataDirectory`.
    public static func path(in dataDirectory: String) -> String {
        dataDirectory + "/" + name
    }

    /// Writes the login, replacing an older file.
    /// - Throws: `ConfigurationError` when the file cannot be written.
    public static func write(
        bootstrap: String,
        security: KafkaClientSecurity,
        in dataDirectory: String
    ) throws(ConfigurationError) {
        var lines = [
            "# Made by aseed run for its own user; replaced at each start.",
            "bootstrap-servers = \(bootstrap)",
            "security-protocol = \(security.protocolName)",
        ]
        if let login = security.sasl {
            lines += [
                "sasl-mechanism = \(login.mechanism.rawValue)",
                "sasl-username = \(login.username)",
                "sasl-password = \(login.password)",
            ]
        }
        if let caFile = security.tls?.caFile {
            lines.append("ssl-ca-location = \(caFile)")
        }
        let target = path(in: dataDirectory)
        do {
            try FileBytes.write(Array((lines.joined(separator: "\n") + "\n").utf8), atomicallyTo: target, mode: 0o600)
        } catch {
            throw ConfigurationError("\(error): is the data directory writable, and the disk not full?")
        }
    }

    /// Removes the file if there is one.
    public static func remove(in dataDirectory: String) {
        unlink(path(in: dataDirectory))
    }

    /// The file's settings, nil when there is no readable file.
    public static func load(in dataDirectory: String) -> ConfigFile? {
        let target = path(in: dataDirectory)
        guard let bytes = try? FileBytes.read(atPath: target) else { return nil }
        return try? ConfigFile(parsing: String(decoding: bytes, as: UTF8.self), path: target)
    }
}

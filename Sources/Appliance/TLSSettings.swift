import ApplianceKit
import KafkaWire
import MiniBroker

/// The certificate the appliance's TLS listeners and HTTPS dashboard share, from the settings
/// (`tls-certificate`, `tls-key`) or the appliance's own in `<data-dir>/tls/`.
enum TLSSettings {
    /// - Parameter extraHosts: names the appliance's own certificate must name besides the
    ///   advertised Kafka hosts the settings give (used only when it is made now).
    /// - Parameter flags: `--tls-certificate` and `--tls-key` where the command has them.
    static func identity(
        _ settings: Settings,
        flags: (certificate: String?, key: String?),
        dataDirectory: String,
        extraHosts: [String]
    ) throws -> TLSIdentity {
        let certificate = settings.optionalString("tls-certificate", flag: flags.certificate)
        let key = settings.optionalString("tls-key", flag: flags.key)
        do {
            if let certificate, let key {
                return try TLSIdentity.load(certificatePath: certificate, keyPath: key)
            }
            guard certificate == nil && key == nil else {
                throw ConfigurationError("--tls-certificate and --tls-key go together: give both or neither")
            }
        } catch let error as SecurityConfigurationError {
            throw ConfigurationError(error.description)
        }
        return try TLSIdentity.applianceOwn(
            in: dataDirectory + "/tls",
            hostnames: advertisedHosts(settings) + extraHosts
        )
    }

    /// The hosts Kafka clients are told to use, from `advertised-listeners` or `kafka-advertise`.
    private static func advertisedHosts(_ settings: Settings) -> [String] {
        if let listeners = settings.optionalString("listeners", flag: nil),
            let parsed = try? KafkaListener.parse(
                listeners,
                advertised: settings.optionalString("advertised-listeners", flag: nil)
            )
        {
            return parsed.map(\.advertisedHost)
        }
        return (try? settings.endpoint("kafka-advertise", flag: nil, default: "localhost:9092")).map { [$0.host] } ?? []
    }
}

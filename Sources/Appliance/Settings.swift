#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves each setting from, in order: the command-line flag, the `ASEED_*` environment
/// variable, the `--config` file, the default. Errors name the key and the source.
struct Settings {
    private let file: ConfigFile
    private let environment: [String: String]

    init(configPath: String?, environment: [String: String] = Settings.processEnvironment()) throws {
        self.environment = environment
        let path = configPath ?? environment["ASEED_CONFIG"]
        if let path {
            guard let text = Settings.readFile(path) else {
                throw ConfigurationError("config: cannot read '\(path)'")
            }
            self.file = try ConfigFile(parsing: text, path: path)
        } else {
            self.file = ConfigFile()
        }
    }

    /// `data-dir` -> `ASEED_DATA_DIR`.
    static func environmentName(for key: String) -> String {
        "ASEED_" + key.uppercased().replacingDashes()
    }

    /// The raw value and where it came from, or nil when unset everywhere.
    func raw(_ key: String, flag: String?) -> (value: String, source: String)? {
        if let flag { return (flag, "--\(key)") }
        let envName = Settings.environmentName(for: key)
        if let value = environment[envName] { return (value, envName) }
        if let value = file.values[key] { return (value, "config key '\(key)'") }
        return nil
    }

    func string(_ key: String, flag: String?, default defaultValue: String) -> String {
        raw(key, flag: flag)?.value ?? defaultValue
    }

    func optionalString(_ key: String, flag: String?) -> String? {
        raw(key, flag: flag)?.value
    }

    func integer<T: FixedWidthInteger>(_ key: String, flag: T?, default defaultValue: T) throws -> T {
        guard let (value, source) = raw(key, flag: flag.map { String($0) }) else { return defaultValue }
        guard let parsed = T(value) else {
            throw ConfigurationError("\(source): expected an integer, got '\(value)'")
        }
        return parsed
    }

    func bool(_ key: String, flag: Bool?, default defaultValue: Bool) throws -> Bool {
        guard let (value, source) = raw(key, flag: flag.map { $0 ? "true" : "false" }) else { return defaultValue }
        switch value.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError("\(source): expected true or false, got '\(value)'")
        }
    }

    /// A `host:port` endpoint; `[::1]:9092` style for IPv6.
    func endpoint(_ key: String, flag: String?, default defaultValue: String) throws -> HostAndPort {
        let (value, source) = raw(key, flag: flag) ?? (defaultValue, "default of \(key)")
        guard let endpoint = HostAndPort(value) else {
            throw ConfigurationError("\(source): expected HOST:PORT, got '\(value)'")
        }
        return endpoint
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    private static func readFile(_ path: String) -> String? {
        guard let handle = fopen(path, "r") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A `host:port` pair as given on the command line.
struct HostAndPort: Sendable, CustomStringConvertible {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(_ text: String) {
        var hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        if hostPart.isEmpty { hostPart = "0.0.0.0" }
        guard let port = Int(portPart), (0...65535).contains(port) else { return nil }
        self.host = String(hostPart)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves each setting from, in order: the command-line flag, the `ASEED_*` environment
/// variable, the `--config` file, the default. Errors name the key and the source.
public struct Settings: Sendable {
    private let file: ConfigFile
    private let environment: [String: String]

    /// The settings of the config file at `configPath` (else `ASEED_CONFIG`, else none) and
    /// of `environment`.
    ///
    /// - Throws: `ConfigurationError` when the file cannot be read or has a bad line.
    public init(configPath: String?, environment: [String: String] = Settings.processEnvironment()) throws {
        let path = configPath ?? environment["ASEED_CONFIG"]
        guard let path else {
            self.init(file: ConfigFile(), environment: environment)
            return
        }
        guard let text = Settings.readFile(path) else {
            throw ConfigurationError("config: cannot read '\(path)'")
        }
        self.init(file: try ConfigFile(parsing: text, path: path), environment: environment)
    }

    /// The settings of a parsed config file and of `environment`.
    public init(file: ConfigFile, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    /// `data-dir` -> `ASEED_DATA_DIR`.
    public static func environmentName(for key: String) -> String {
        "ASEED_" + key.uppercased().replacingDashes()
    }

    /// The raw value and where it came from, or nil when unset everywhere.
    public func raw(_ key: String, flag: String?) -> (value: String, source: String)? {
        if let flag { return (flag, "--\(key)") }
        let envName = Settings.environmentName(for: key)
        if let value = environment[envName] { return (value, envName) }
        if let value = file.values[key] { return (value, "config key '\(key)'") }
        return nil
    }

    /// The value of `key`, or `defaultValue` when it is unset everywhere.
    public func string(_ key: String, flag: String?, default defaultValue: String) -> String {
        raw(key, flag: flag)?.value ?? defaultValue
    }

    /// The value of `key`, or nil when it is unset everywhere.
    public func optionalString(_ key: String, flag: String?) -> String? {
        raw(key, flag: flag)?.value
    }

    /// The value of `key` as an integer, or `defaultValue` when it is unset everywhere.
    ///
    /// - Throws: `ConfigurationError` naming the source when the value is not an integer of `T`.
    public func integer<T: FixedWidthInteger>(_ key: String, flag: T?, default defaultValue: T) throws -> T {
        guard let (value, source) = raw(key, flag: flag.map { String($0) }) else { return defaultValue }
        guard let parsed = T(value) else {
            throw ConfigurationError("\(source): expected an integer, got '\(value)'")
        }
        return parsed
    }

    /// The value of `key` as true (`true`, `yes`, `on`, `1`) or false (`false`, `no`, `off`,
    /// `0`), or `defaultValue` when it is unset everywhere.
    ///
    /// - Throws: `ConfigurationError` naming the source for any other value.
    public func bool(_ key: String, flag: Bool?, default defaultValue: Bool) throws -> Bool {
        guard let (value, source) = raw(key, flag: flag.map { $0 ? "true" : "false" }) else {
            return defaultValue
        }
        switch value.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError("\(source): expected true or false, got '\(value)'")
        }
    }

    /// A `host:port` endpoint; `[::1]:9092` style for IPv6.
    ///
    /// - Throws: `ConfigurationError` naming the source when the value is not `HOST:PORT`.
    public func endpoint(_ key: String, flag: String?, default defaultValue: String) throws -> HostAndPort {
        let (value, source) = raw(key, flag: flag) ?? (defaultValue, "default of \(key)")
        guard let endpoint = HostAndPort(value) else {
            throw ConfigurationError("\(source): expected HOST:PORT, got '\(value)'")
        }
        return endpoint
    }

    /// The process's environment variables by name.
    public static func processEnvironment() -> [String: String] {
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

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}

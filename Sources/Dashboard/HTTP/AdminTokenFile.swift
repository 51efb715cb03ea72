#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The generated admin token kept in `<data>/dashboard/admin-token` (mode 0600), for an
/// appliance started without `--admin-token`: made once, then read at every start.
public enum AdminTokenFile {
    /// What `load(directory:)` found.
    public struct Loaded: Sendable {
        /// The token.
        public var token: String
        /// Where it is kept.
        public var path: String
        /// Whether it was made just now (the caller prints it once).
        public var created: Bool
    }

    /// Reads the token from `<directory>/admin-token`, or makes one (256 random bits as hex)
    /// and writes it there with mode 0600, creating the directory.
    ///
    /// - Throws: `AdminTokenError` when the file cannot be read or written.
    public static func load(directory: String) throws(AdminTokenError) -> Loaded {
        let path = directory + "/admin-token"
        if let existing = read(path) {
            let token = existing.filter { !$0.isWhitespace }
            guard !token.isEmpty else {
                throw AdminTokenError("'\(path)' is empty: delete it to have a new token made, or pass --admin-token")
            }
            return Loaded(token: token, path: path, created: false)
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw AdminTokenError(
                "cannot create '\(directory)' (errno \(errno)): check that the data directory is writable"
            )
        }
        let token = makeToken()
        try write(token + "\n", to: path)
        return Loaded(token: token, path: path, created: true)
    }

    /// 32 bytes from the system's secure generator, as 64 hex digits.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String(
            (0..<32).flatMap { _ -> [Character] in
                let byte = UInt8.random(in: 0...255, using: &generator)
                return [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        )
    }

    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = Glibc.read(descriptor, &bytes, bytes.count)
        return count >= 0 ? String(decoding: bytes[0..<count], as: UTF8.self) : nil
    }

    private static func write(_ text: String, to path: String) throws(AdminTokenError) {
        // O_EXCL: two appliances starting on one data directory never overwrite each other's token.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw AdminTokenError("cannot create '\(path)' (errno \(errno)): check that the data directory is writable")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else {
            throw AdminTokenError("cannot write '\(path)' (errno \(errno)): is the disk full?")
        }
    }
}

/// The admin token file could not be used; the message says what to do.
public struct AdminTokenError: Error, Sendable, CustomStringConvertible {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

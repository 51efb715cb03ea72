import ApplianceKit

#if canImport(Glibc)
import Glibc
#endif

/// The admin token an operator command sends to the running appliance's dashboard: the flag,
/// the `admin-token` config key, or the file `<data-dir>/dashboard/admin-token` the appliance
/// wrote at its first start.
enum OperatorAdminToken {
    static func resolve(flag: String?, dataDir: String?, settings: Settings) throws -> String {
        if let token = settings.optionalString("admin-token", flag: flag), !token.isEmpty { return token }
        let path = settings.string("data-dir", flag: dataDir, default: "data") + "/dashboard/admin-token"
        guard let file = fopen(path, "r") else {
            throw OperatorError(
                """
                no admin token: give --admin-token, or run as a user that can read \(path) \
                (\(String(cString: strerror(errno))))
                """
            )
        }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else {
            throw OperatorError("the admin token file \(path) is empty")
        }
        let token = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .filter { !$0.isWhitespace }
        guard !token.isEmpty else { throw OperatorError("the admin token file \(path) is empty") }
        return token
    }
}

import ApplianceKit
import Common

/// The admin token an operator command sends to the running appliance's dashboard: the flag,
/// the `admin-token` config key, or the file `<data-dir>/dashboard/admin-token` the appliance
/// wrote at its first start.
enum OperatorAdminToken {
    static func resolve(flag: String?, dataDir: String?, settings: Settings) throws -> String {
        if let token = settings.optionalString("admin-token", flag: flag), !token.isEmpty { return token }
        let path = settings.string("data-dir", flag: dataDir, default: "data") + "/dashboard/admin-token"
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(atPath: path)
        } catch {
            throw OperatorError(
                "no admin token: give --admin-token, or run as a user that can read \(path) (\(error.reason))"
            )
        }
        let token = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        guard !token.isEmpty else { throw OperatorError("the admin token file \(path) is empty") }
        return token
    }
}

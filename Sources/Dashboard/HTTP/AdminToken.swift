import HTTPTypes
import Hummingbird
import Logging

/// The admin token that every state-changing request must present as
/// `Authorization: Bearer <token>`.
struct AdminToken: Sendable {
    private let secret: [UInt8]

    init(_ token: String) {
        secret = Array(token.utf8)
    }

    /// Refuses the request with 401 unless it carries the token; logs the refusal without the
    /// token it was given.
    func authorize(_ request: Request, logger: Logger) throws(APIError) {
        guard let header = request.headers[.authorization] else {
            logger.warning("refused \(request.method) \(request.uri.path): no Authorization header")
            throw APIError(
                .unauthorized,
                "unauthorized",
                """
                this request changes state: send 'Authorization: Bearer <admin token>' (the token is in \
                <data-dir>/dashboard/admin-token)
                """,
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        let prefix = "Bearer "
        let given = header.hasPrefix(prefix) ? Array(header.utf8.dropFirst(prefix.utf8.count)) : []
        guard matches(given) else {
            logger.warning("refused \(request.method) \(request.uri.path): wrong admin token")
            throw APIError(
                .unauthorized,
                "unauthorized",
                "the admin token is wrong: use the one in <data-dir>/dashboard/admin-token or --admin-token",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
    }

    /// Compares in time that depends only on the lengths, never on where the first
    /// difference is, so the token cannot be guessed byte by byte from response times.
    func matches(_ given: [UInt8]) -> Bool {
        var difference: UInt8 = given.count == secret.count ? 0 : 1
        for index in 0..<given.count {
            difference |= given[index] ^ secret[index % max(secret.count, 1)]
        }
        return difference == 0 && !secret.isEmpty
    }
}

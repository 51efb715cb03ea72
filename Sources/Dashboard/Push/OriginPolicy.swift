/// Which pages may open the WebSocket: a browser sends `Origin` with the upgrade, and only
/// the page's own host (or a configured origin) may read the live data, so another site open
/// in the same browser cannot. Clients that send no `Origin` (scripts, tools) are not browsers
/// acting for another site and are let in.
struct OriginPolicy: Sendable {
    /// Origins allowed besides the page's own host, lowercased without a trailing slash;
    /// `*` allows any.
    let allowed: [String]

    init(allowedOrigins: [String]) {
        allowed = allowedOrigins.map { Self.normalized($0) }.filter { !$0.isEmpty }
    }

    /// Whether an upgrade with this `Origin` to this `Host` may go ahead.
    func allows(origin: String?, host: String?) -> Bool {
        guard let origin else { return true }
        let given = Self.normalized(origin)
        if allowed.contains("*") || allowed.contains(given) { return true }
        guard let host, let schemeEnd = given.firstRange(of: "://") else { return false }
        return given[schemeEnd.upperBound...] == Self.normalized(host)
    }

    private static func normalized(_ text: String) -> String {
        var value = text.lowercased().trimmingWhitespaceCharacters()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}

extension String {
    fileprivate func trimmingWhitespaceCharacters() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}

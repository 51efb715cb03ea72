import HTTPTypes

/// The headers every answer carries (the page has no inline script or style, so the policy
/// can forbid both; `frame-ancestors 'none'` stops click-jacking of the control buttons).
enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    /// Adds (or replaces) the security headers.
    static func apply(to headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if headers[.cacheControl] == nil {
            headers[.cacheControl] = "no-store"
        }
    }
}

import HTTPTypes

/// Every route the dashboard answers, as data: the router is built from it, the 405 check
/// and the metrics labels read it, and `/api/openapi.json` is written from it, so none of
/// them can forget a route.
struct RouteTable: Sendable {
    /// One method on one path.
    struct Route: Sendable {
        /// A parameter in the path or the query.
        struct Parameter: Sendable {
            var name: String
            var inPath: Bool
            var description: String
        }

        var method: HTTPRequest.Method
        /// With `{name}` for path parameters, as OpenAPI writes them.
        var path: String
        var summary: String
        /// Whether it needs the admin token.
        var needsToken: Bool = false
        var parameters: [Parameter] = []
        /// The success status and what the answer is.
        var success: (status: Int, description: String, contentType: String) = (200, "JSON", "application/json")
        /// Name of the request body schema (POSTs).
        var bodySchema: String?
        /// Error statuses it may answer besides 401 for token routes.
        var errors: [Int] = []
    }

    let routes: [Route]

    /// The pattern of the route a path belongs to, whatever the method.
    func pattern(matching path: String) -> String? {
        routes.first { Self.matches(pattern: $0.path, path: path) }?.path
    }

    /// The methods allowed on a path; empty for an unknown path.
    func methods(forPath path: String) -> [String] {
        var seen: [String] = []
        for route in routes where Self.matches(pattern: route.path, path: path) && !seen.contains(route.method.rawValue)
        {
            seen.append(route.method.rawValue)
        }
        return seen
    }

    /// `/api/broker/topics/{name}` matches `/api/broker/topics/orders`, not `/api/broker/topics`.
    static func matches(pattern: String, path: String) -> Bool {
        let patternParts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        let pathParts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard patternParts.count == pathParts.count else { return false }
        return zip(patternParts, pathParts).allSatisfy { expected, given in
            expected.hasPrefix("{") || expected == given
        }
    }
}

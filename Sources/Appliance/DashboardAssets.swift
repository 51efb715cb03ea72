import Dashboard

/// The page and its assets served by the dashboard. Empty until the page's files are
/// embedded (Sources/Dashboard/Assets); the API, WebSocket and metrics work without them.
enum DashboardAssets {
    static let all: [String: StaticAsset] = [:]
}

/// A record as a test sees it after consuming.
struct SeenRecord: Equatable {
    var offset: Int64
    var timestamp: Int64
    var key: String?
    var value: String?
}

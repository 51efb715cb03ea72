import Analyzer
import Common
import Synchronization

/// The latest results an external analyzer POSTed, kept as their JSON so `/api/external`
/// and the WebSocket serve them without re-encoding.
final class ExternalResults: Sendable {
    /// The kinds of result, named as in `/api/external`: the original's three and the
    /// summary set beside the built-in analyzer's figures.
    enum Kind: String, CaseIterable, Sendable {
        case topProducts = "top_products"
        case categories
        case rawOrders = "raw_orders"
        case summary
    }

    private let latest = Mutex<[Kind: [UInt8]]>([:])

    /// Keeps `json` as the latest result of its kind.
    func keep(_ json: [UInt8], as kind: Kind) {
        latest.withLock { $0[kind] = json }
    }

    /// `{"top_products": {...}, "categories": {...}, "raw_orders": {...}, "summary": {...}}` with the kinds
    /// received so far; `{}` before any.
    func write(to writer: inout JSONWriter) {
        let kept = latest.withLock { $0 }
        writer.beginObject()
        for kind in Kind.allCases {
            guard let json = kept[kind] else { continue }
            writer.key(kind.rawValue)
            writer.raw(String(decoding: json, as: UTF8.self))
        }
        writer.endObject()
    }
}

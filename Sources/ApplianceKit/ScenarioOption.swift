import Simulator

/// A scenario given on the command line (`aseed simulate --scenario ...`), started with the run.
///
/// Forms: `flash-sale:PROD-001` or `flash-sale:Electronics` (5x the orders, 30 % off, 5 min),
/// `spike` (10x every product, 2 min), `viral:PROD-042` (up to 20x over 10 min),
/// `malformed:50` (50 broken records at once). A trailing `:Nm` or `:Ns` sets the duration,
/// e.g. `spike:30s`.
public struct ScenarioOption {
    /// The scenario the text describes.
    public let scenario: Scenario

    /// Parses the command-line form; product and category names are checked in `catalog`.
    ///
    /// - Throws: `ConfigurationError` naming the text and the forms expected.
    public init(parsing text: String, catalog: Catalog) throws {
        var parts = text.split(separator: ":").map(String.init)
        guard let kind = parts.first else { throw Self.problem(text) }
        parts.removeFirst()
        var duration: Duration?
        if let last = parts.last, let parsed = Self.duration(last) {
            duration = parsed
            parts.removeLast()
        }
        switch (kind, parts.count) {
        case ("flash-sale", 1):
            let target: ScenarioTarget =
                catalog.index(ofProduct: parts[0]) != nil
                ? .product(parts[0]) : .category(parts[0])
            if case .category(let name) = target, catalog.indices(inCategory: name).isEmpty {
                let problem = "'\(parts[0])' is neither a product id nor a category of the catalog"
                throw ConfigurationError("scenario '\(text)': \(problem)")
            }
            scenario = .flashSale(
                target: target,
                rateMultiplier: 5,
                discountPercent: 30,
                duration: duration ?? .seconds(300)
            )
        case ("spike", 0):
            scenario = .trafficSpike(rateMultiplier: 10, duration: duration ?? .seconds(120))
        case ("viral", 1):
            guard catalog.index(ofProduct: parts[0]) != nil else {
                throw ConfigurationError("scenario '\(text)': no product '\(parts[0])' in the catalog")
            }
            scenario = .viralProduct(productID: parts[0], peakMultiplier: 20, duration: duration ?? .seconds(600))
        case ("malformed", 1):
            guard let count = Int(parts[0]), count > 0 else { throw Self.problem(text) }
            scenario = .malformedBurst(count: count, duration: duration ?? .zero)
        default:
            throw Self.problem(text)
        }
    }

    private static func duration(_ text: String) -> Duration? {
        guard let unit = text.last, let value = Int(text.dropLast()), value > 0 else { return nil }
        switch unit {
        case "s": return .seconds(value)
        case "m": return .seconds(value * 60)
        default: return nil
        }
    }

    private static func problem(_ text: String) -> ConfigurationError {
        ConfigurationError(
            """
            scenario '\(text)': expected flash-sale:PRODUCT-OR-CATEGORY, spike, viral:PRODUCT or malformed:COUNT, \
            optionally followed by :Ns or :Nm
            """
        )
    }
}

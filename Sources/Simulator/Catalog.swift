/// The products orders are generated for: the original's 60 products by default, or a
/// user's own list read from a CSV file (see `Catalog+CSV.swift` for the format).
public struct Catalog: Sendable, Hashable {
    /// Products in file order; an order refers to a product by its index here.
    public let products: [Product]
    /// Distinct category names in order of first appearance.
    public let categories: [String]

    /// Creates a catalog from products, checking what the generator relies on:
    /// at least one product, unique ids, positive prices, non-negative weights, some weight > 0.
    public init(products: [Product]) throws(CatalogError) {
        try Self.validate(products)
        self.products = products
        var seen = Set<String>()
        self.categories = products.map(\.category).filter { seen.insert($0).inserted }
    }

    /// Index of the product with this id, if any.
    public func index(ofProduct id: String) -> Int? {
        products.firstIndex { $0.id == id }
    }

    /// Indices of the products in this category (empty if the category is unknown).
    public func indices(inCategory category: String) -> [Int] {
        products.indices.filter { products[$0].category == category }
    }

    private static func validate(_ products: [Product]) throws(CatalogError) {
        func fail(_ code: CatalogError.Code, _ message: String) -> CatalogError {
            CatalogError(code: code, file: "<catalog>", line: 0, message: message)
        }
        guard !products.isEmpty else { throw fail(.empty, "the catalog has no products") }
        var ids = Set<String>()
        for product in products {
            guard ids.insert(product.id).inserted else {
                throw fail(.duplicateProduct, "product id '\(product.id)' appears twice")
            }
            guard product.priceCents > 0 else {
                throw fail(.invalidField, "product '\(product.id)' has a price that is not positive")
            }
            guard product.weight >= 0, product.weight.isFinite else {
                throw fail(.invalidField, "product '\(product.id)' has a negative or infinite weight")
            }
        }
        guard products.contains(where: { $0.weight > 0 }) else {
            throw fail(.empty, "every product has weight 0, so none could ever be ordered")
        }
    }
}

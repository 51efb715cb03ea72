import Common

/// Catalog files are CSV with a header naming the columns, in any order:
///
/// ```
/// product_id,product_name,category,price,weight
/// PROD-001,Wireless Bluetooth Headphones,Electronics,79.99,10
/// PROD-031,"Coffee Maker, 12 cups",Home & Garden,179.99
/// ```
///
/// `product_id`, `product_name`, `category` and `price` are required; `weight` (relative
/// popularity, default 1) is optional, per column and per line (an empty cell means 1).
/// Fields containing commas or quotes are quoted, with `""` for a quote. Blank lines and
/// lines starting with `#` are skipped. Prices are positive decimals with at most two
/// fractional digits (`19.99`, `5`, `0.5`); no currency sign or thousands separator.
extension Catalog {
    /// The columns a catalog file must have.
    public static let requiredColumns = ["product_id", "product_name", "category", "price"]
    /// The columns a catalog file may have in addition.
    public static let optionalColumns = ["weight"]

    /// Reads a catalog from a CSV file; errors name the file, the line and the field.
    public init(contentsOfFile path: String) throws(CatalogError) {
        let bytes = try Self.readFile(path)
        try self.init(csvBytes: bytes, fileName: path)
    }

    /// Parses catalog CSV text; `fileName` is used in error messages.
    public init(csv text: String, fileName: String = "<catalog>") throws(CatalogError) {
        try self.init(csvBytes: Array(text.utf8), fileName: fileName)
    }

    private init(csvBytes: [UInt8], fileName: String) throws(CatalogError) {
        var parser = CatalogParser(file: fileName, reader: CSVReader(csvBytes))
        let products = try parser.parse()
        do {
            try self.init(products: products)
        } catch {
            var located = error
            located.file = fileName
            throw located
        }
    }

    private static func readFile(_ path: String) throws(CatalogError) -> [UInt8] {
        do {
            return try FileBytes.read(atPath: path)
        } catch {
            let message = "cannot \(error.operation.rawValue): \(error.reason)"
            throw CatalogError(code: .unreadable, file: path, line: 0, message: message)
        }
    }
}

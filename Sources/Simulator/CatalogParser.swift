/// Turns CSV records into products, checking each field and saying exactly which one is wrong.
struct CatalogParser {
    private let file: String
    private var reader: CSVReader
    /// Column name to position in a record, from the header.
    private var columns: [String: Int] = [:]
    private var columnCount = 0

    init(file: String, reader: CSVReader) {
        self.file = file
        self.reader = reader
    }

    mutating func parse() throws(CatalogError) -> [Product] {
        guard let header = try nextRecord() else {
            throw error(
                .empty,
                line: 0,
                "the file is empty; expected a header line "
                    + "'product_id,product_name,category,price[,weight]' and one line per product"
            )
        }
        try readHeader(header)
        var products: [Product] = []
        var firstLine: [String: Int] = [:]
        while let record = try nextRecord() {
            let product = try product(from: record)
            if let earlier = firstLine[product.id] {
                throw error(
                    .duplicateProduct,
                    line: record.line,
                    field: "product_id",
                    "'\(product.id)' was already defined on line \(earlier)"
                )
            }
            firstLine[product.id] = record.line
            products.append(product)
        }
        guard !products.isEmpty else {
            throw error(.empty, line: header.line, "the file has a header but no products")
        }
        return products
    }

    private mutating func nextRecord() throws(CatalogError) -> CSVReader.Record? {
        do {
            return try reader.next()
        } catch {
            throw self.error(
                .unterminatedQuote,
                line: error.line,
                "a quoted field starts here but its closing '\"' is missing"
            )
        }
    }

    private mutating func readHeader(_ header: CSVReader.Record) throws(CatalogError) {
        let known = Catalog.requiredColumns + Catalog.optionalColumns
        let expected = "expected columns product_id, product_name, category, price and optionally weight"
        for (position, raw) in header.fields.enumerated() {
            let name = trimmed(raw).lowercased()
            guard known.contains(name) else {
                throw error(.header, line: header.line, "unknown column '\(raw)'; \(expected)")
            }
            guard columns[name] == nil else {
                throw error(.header, line: header.line, "column '\(name)' appears twice")
            }
            columns[name] = position
        }
        for name in Catalog.requiredColumns where columns[name] == nil {
            throw error(.header, line: header.line, "missing column '\(name)'; \(expected)")
        }
        columnCount = header.fields.count
    }

    private func product(from record: CSVReader.Record) throws(CatalogError) -> Product {
        guard record.fields.count == columnCount else {
            throw error(
                .fieldCount,
                line: record.line,
                "expected \(columnCount) fields as in the header, got \(record.fields.count)"
            )
        }
        let id = try text("product_id", in: record)
        let name = try text("product_name", in: record)
        let category = try text("category", in: record)
        let price = try cents(in: record)
        let weight = try weight(in: record)
        return Product(id: id, name: name, category: category, priceCents: price, weight: weight)
    }

    private func text(_ field: String, in record: CSVReader.Record) throws(CatalogError) -> String {
        let value = trimmed(record.fields[columns[field]!])
        guard !value.isEmpty else {
            throw error(.invalidField, line: record.line, field: field, "expected a non-empty text, got ''")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw error(
                .invalidField,
                line: record.line,
                field: field,
                "expected text without control characters or line breaks"
            )
        }
        return value
    }

    private func cents(in record: CSVReader.Record) throws(CatalogError) -> Int {
        let raw = record.fields[columns["price"]!]
        guard let cents = Self.parseCents(trimmed(raw)), cents > 0 else {
            throw error(
                .invalidField,
                line: record.line,
                field: "price",
                "expected a positive decimal like 19.99, got '\(raw)'"
            )
        }
        return cents
    }

    private func weight(in record: CSVReader.Record) throws(CatalogError) -> Double {
        guard let position = columns["weight"] else { return 1 }
        let raw = record.fields[position]
        let value = trimmed(raw)
        if value.isEmpty { return 1 }
        guard let weight = Double(value), weight.isFinite, weight >= 0 else {
            throw error(
                .invalidField,
                line: record.line,
                field: "weight",
                "expected a number >= 0 like 1 or 2.5, got '\(raw)'"
            )
        }
        return weight
    }

    /// `19.99` -> 1999, `5` -> 500, `0.5` -> 50; nil for anything else, including values
    /// too large to be a price (over 100 million), which would overflow the revenue sums.
    static func parseCents(_ text: String) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 9,
            whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var cents = Int(whole)! * 100
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            cents += Int(fraction)! * (fraction.count == 1 ? 10 : 1)
        }
        return cents
    }

    private func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    private func error(
        _ code: CatalogError.Code,
        line: Int,
        field: String? = nil,
        _ message: String
    ) -> CatalogError {
        CatalogError(code: code, file: file, line: line, field: field, message: message)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

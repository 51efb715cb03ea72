/// A catalog that could not be read or parsed, with the place and the expected form.
///
/// The description reads like a compiler diagnostic so that an editor can jump to it:
/// `catalog.csv:7: field 'price': expected a positive decimal like 19.99, got 'abc'`.
public struct CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file could not be opened or read.
        public static let unreadable = Code("unreadable")
        /// The header line is missing, has an unknown column or lacks a required one.
        public static let header = Code("header")
        /// A data line has more or fewer fields than the header.
        public static let fieldCount = Code("fieldCount")
        /// A field's value does not have the expected form.
        public static let invalidField = Code("invalidField")
        /// A product id appears twice.
        public static let duplicateProduct = Code("duplicateProduct")
        /// A quoted field is not closed before the end of the file.
        public static let unterminatedQuote = Code("unterminatedQuote")
        /// The file has no products, or none with a positive weight.
        public static let empty = Code("empty")
    }

    /// The kind of problem.
    public var code: Code
    /// The file name as given by the user (or `<catalog>` for in-memory text).
    public var file: String
    /// 1-based line number, or 0 when the problem concerns the whole file.
    public var line: Int
    /// The column the problem is in, if it is about one field.
    public var field: String?
    /// What was expected and what was found.
    public var message: String

    /// Creates an error; normally only the catalog parser does this.
    public init(code: Code, file: String, line: Int, field: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" }
        text += ": "
        if let field { text += "field '\(field)': " }
        return text + message
    }
}

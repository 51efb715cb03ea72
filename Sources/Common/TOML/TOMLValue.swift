/// One value read from a TOML document: the subset that classroom lab files use, so no floats,
/// dates or times. A document's top level is a `[String: TOMLValue]`; `[name]` headers and
/// inline tables become `.table`, and `[[name]]` headers an `.array` of `.table`s.
public enum TOMLValue: Sendable, Equatable {
    /// A basic, literal or multi-line basic string, with its escapes already resolved.
    case string(String)
    /// A decimal integer that fits in `Int`.
    case integer(Int)
    /// `true` or `false`.
    case boolean(Bool)
    /// An array's items in the order written; TOML 1.0 lets them differ in type.
    case array([TOMLValue])
    /// A table's keys and values; TOML gives keys no order.
    case table([String: TOMLValue])

    /// The text of a `.string`, nil for any other value.
    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The number of an `.integer`, nil for any other value.
    public var integer: Int? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The truth value of a `.boolean`, nil for any other value.
    public var boolean: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The items of an `.array`, nil for any other value.
    public var array: [TOMLValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The keys and values of a `.table`, nil for any other value.
    public var table: [String: TOMLValue]? {
        if case .table(let value) = self { value } else { nil }
    }
}

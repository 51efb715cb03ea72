/// The JSON type of a value, as far as the order checks need it.
enum JSONKind: UInt8 {
    /// Not in the object at all (only for a field's slot).
    case absent
    case null
    case boolean
    case number
    case string
    case object
    case array

    /// The type with its article, for details such as "field 'price' is a string".
    var described: String {
        switch self {
        case .absent: "absent"
        case .null: "null"
        case .boolean: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .object: "an object"
        case .array: "an array"
        }
    }
}

/// The eight fields of an order, in the contract's table order (which is also the order in
/// which missing or mistyped fields are reported).
enum OrderField: Int, CaseIterable {
    case orderID, productID, productName, category, price, quantity, customerID, timestamp

    /// How many fields there are (`allCases.count` without building the array).
    static var count: Int { 8 }

    /// The JSON key.
    var name: StaticString {
        switch self {
        case .orderID: "order_id"
        case .productID: "product_id"
        case .productName: "product_name"
        case .category: "category"
        case .price: "price"
        case .quantity: "quantity"
        case .customerID: "customer_id"
        case .timestamp: "timestamp"
        }
    }

    /// The JSON type the contract asks for.
    var expectedKind: JSONKind {
        switch self {
        case .price, .quantity: .number
        default: .string
        }
    }

    /// The field a key names, or nil for a key the analyzer ignores. Every key of every
    /// record comes through here, so it compares whole words (two overlapping loads for keys
    /// of 9 to 12 bytes) instead of byte by byte.
    @inline(__always)
    static func named(_ key: UnsafeRawPointer, count: Int) -> OrderField? {
        switch count {
        case 5:
            return matches(key, count, "price") ? .price : nil
        case 8:
            let word = key.loadUnaligned(as: UInt64.self)
            if word == head("order_id") { return .orderID }
            if word == head("category") { return .category }
            if word == head("quantity") { return .quantity }
            return nil
        case 9:
            return matches(key, count, "timestamp") ? .timestamp : nil
        case 10:
            return matches(key, count, "product_id") ? .productID : nil
        case 11:
            return matches(key, count, "customer_id") ? .customerID : nil
        case 12:
            return matches(key, count, "product_name") ? .productName : nil
        default:
            return nil
        }
    }

    /// The first eight bytes of a name of at least eight.
    @inline(__always)
    private static func head(_ name: StaticString) -> UInt64 {
        UnsafeRawPointer(name.utf8Start).loadUnaligned(as: UInt64.self)
    }

    /// Whether `count` bytes at `key` (5 or 8 to 16) spell `name`, which has that length.
    @inline(__always)
    private static func matches(_ key: UnsafeRawPointer, _ count: Int, _ name: StaticString) -> Bool {
        let expected = UnsafeRawPointer(name.utf8Start)
        if count < 8 {
            // "price": bytes 0-3 and 1-4.
            return key.loadUnaligned(as: UInt32.self) == expected.loadUnaligned(as: UInt32.self)
                && key.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == expected.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        return key.loadUnaligned(as: UInt64.self) == expected.loadUnaligned(as: UInt64.self)
            && key.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == expected.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
}

import Common

extension OrderDecoder {
    /// The contract's bounds: prices and quantities below 10^9 units. They keep every figure
    /// the analyzer sums within reach of exact integer arithmetic; note that one order's
    /// price x quantity can still reach 10^24 micro-units, beyond 64 bits.
    static let priceLimitMicros: Int64 = 1_000_000_000_000_000
    static let quantityLimit: Int64 = 1_000_000_000

    /// Turns the scanned fields of an object into an order, or into the first reason of the
    /// contract's order (missing field, wrong type, bad timestamp, negative price, negative
    /// quantity, out of range) that applies.
    static func check(
        _ base: UnsafePointer<UInt8>,
        count: Int,
        storage: DecoderStorage
    ) -> Result<DecodedOrder, MalformedOrder> {
        let slots = storage.slots
        let orderID = slots[OrderField.orderID.rawValue]
        let productID = slots[OrderField.productID.rawValue]
        let productName = slots[OrderField.productName.rawValue]
        let category = slots[OrderField.category.rawValue]
        let price = slots[OrderField.price.rawValue]
        let quantity = slots[OrderField.quantity.rawValue]
        let customerID = slots[OrderField.customerID.rawValue]
        let timestamp = slots[OrderField.timestamp.rawValue]
        // One test for the usual case; the slow path below finds which field is off.
        guard orderID.kind == .string, productID.kind == .string, productName.kind == .string,
            category.kind == .string, price.kind == .number, quantity.kind == .number,
            customerID.kind == .string, timestamp.kind == .string,
            orderID.end > orderID.start, productID.end > productID.start
        else { return .failure(fieldProblem(slots, base)) }
        let priceNumber = number(price, base)
        let quantityNumber = number(quantity, base)
        guard quantityNumber.isInteger else { return .failure(fieldProblem(slots, base)) }

        func text(_ slot: FieldSlot) -> UnsafeRawBufferPointer {
            let raw = UnsafeRawBufferPointer(start: base + slot.start, count: slot.end - slot.start)
            return slot.escaped ? storage.unescape(raw, recordSize: count) : raw
        }
        let timestampText = text(timestamp)
        guard let eventTime = TimestampParser.epochMicros(timestampText) else {
            return .failure(
                MalformedOrder(
                    reason: .badTimestamp,
                    detail: "timestamp \(quoted(timestampText)) is not an ISO 8601 date and time"
                )
            )
        }
        if priceNumber.isNegative(in: base) {
            return .failure(
                MalformedOrder(reason: .negativePrice, detail: "price \(numberText(price, base)) is below zero")
            )
        }
        if quantityNumber.isNegative(in: base) {
            return .failure(
                MalformedOrder(
                    reason: .negativeQuantity,
                    detail: "quantity \(numberText(quantity, base)) is below zero"
                )
            )
        }
        guard let priceMicros = priceNumber.microUnits(in: base, limit: priceLimitMicros) else {
            return .failure(
                MalformedOrder(reason: .outOfRange, detail: "price \(numberText(price, base)) is 10^9 or more")
            )
        }
        guard let units = quantityNumber.integerMagnitude(in: base, limit: quantityLimit) else {
            return .failure(
                MalformedOrder(
                    reason: .outOfRange,
                    detail: "quantity \(numberText(quantity, base)) is 10^9 or more"
                )
            )
        }
        return .success(
            DecodedOrder(
                orderID: text(orderID),
                productID: text(productID),
                productName: text(productName),
                category: text(category),
                customerID: text(customerID),
                priceMicros: priceMicros,
                quantity: units,
                eventTimeMicros: eventTime
            )
        )
    }

    /// The first missing field (absent, `null` or an empty id), else the first field of the
    /// wrong type, in the contract's field order.
    private static func fieldProblem(
        _ slots: UnsafeMutablePointer<FieldSlot>,
        _ base: UnsafePointer<UInt8>
    ) -> MalformedOrder {
        for field in OrderField.allCases {
            let kind = slots[field.rawValue].kind
            if kind == .absent || kind == .null {
                return MalformedOrder(
                    reason: .missingField,
                    detail: "field '\(field.name)' is \(kind == .null ? "null" : "missing")"
                )
            }
        }
        for field in [OrderField.orderID, .productID] {
            let slot = slots[field.rawValue]
            if slot.kind == .string, slot.end == slot.start {
                return MalformedOrder(reason: .missingField, detail: "field '\(field.name)' is empty")
            }
        }
        for field in OrderField.allCases {
            let slot = slots[field.rawValue]
            if slot.kind != field.expectedKind {
                return MalformedOrder(
                    reason: .wrongType,
                    detail: "field '\(field.name)' is \(slot.kind.described), expected \(field.expectedKind.described)"
                )
            }
            if field == .quantity, !number(slot, base).isInteger {
                return MalformedOrder(
                    reason: .wrongType,
                    detail: "field 'quantity' has a fraction or an exponent, expected an integer"
                )
            }
        }
        // Unreachable: `check` only calls this when one of the tests above fails.
        return MalformedOrder(reason: .wrongType, detail: "fields of unexpected types")
    }

    /// The digits and exponent of a number field, read again from its text (already checked,
    /// and only two fields are numbers, so the scan does not keep them for every field).
    @inline(__always)
    private static func number(_ slot: FieldSlot, _ base: UnsafePointer<UInt8>) -> JSONNumber {
        var scanner = JSONScanner(base: base, count: slot.end)
        scanner.cursor = base + slot.start
        return (try? scanner.scanNumber()) ?? JSONNumber()
    }

    /// A number's text as written, for details.
    private static func numberText(_ slot: FieldSlot, _ base: UnsafePointer<UInt8>) -> String {
        quoted(UnsafeRawBufferPointer(start: base + slot.start, count: slot.end - slot.start), marks: false)
    }

    /// Up to 64 bytes of a text for a detail (a broken record may hold anything).
    private static func quoted(_ bytes: UnsafeRawBufferPointer, marks: Bool = true) -> String {
        let shown = String(decoding: bytes.prefix(64), as: UTF8.self) + (bytes.count > 64 ? "..." : "")
        return marks ? "'\(shown)'" : shown
    }
}

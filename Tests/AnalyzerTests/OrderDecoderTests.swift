import Testing

@testable import Analyzer

@Suite("Order decoder")
struct OrderDecoderTests {
    // MARK: Valid orders

    @Test func decodesTheSampleOrderExactly() throws {
        #expect(try decode(sampleOrder).get() == OrderValues.sample)
    }

    @Test func plainStringsPointIntoTheValue() throws {
        let bytes = Array(sampleOrder.utf8)
        var decoder = OrderDecoder()
        try bytes.withUnsafeBytes { value in
            let order = try decoder.decode(value).get()
            let range = UInt(bitPattern: value.baseAddress!)..<UInt(bitPattern: value.baseAddress! + value.count)
            for field in [order.orderID, order.productID, order.productName, order.category, order.customerID] {
                #expect(range.contains(UInt(bitPattern: field.baseAddress!)))
            }
        }
    }

    @Test func fieldOrderDoesNotMatter() {
        let reversed = "{" + sampleFields.reversed().map { "\"\($0.name)\":\($0.value)" }.joined(separator: ",") + "}"
        #expect(order(reversed) == .sample)
        let shuffled = [5, 2, 7, 0, 4, 1, 6, 3].map { "\"\(sampleFields[$0].name)\":\(sampleFields[$0].value)" }
        #expect(order("{" + shuffled.joined(separator: ",") + "}") == .sample)
    }

    @Test(arguments: [
        #""note":"hello""#, #""note":"""#, #""n":-12.5e-3"#, #""n":0"#, #""flag":true"#, #""flag":false"#,
        #""gone":null"#, #""o":{}"#, #""a":[]"#, #""a":[1,"two",3.0,true,false,null,{},[]]"#,
        #""o":{"price":"free","quantity":[-1],"nested":{"deeper":[[[{"x":"}]{\"["}]]]}}"#,
        #""meta":{"source":"pos","tags":["a","b"],"geo":{"lat":48.85,"lon":2.35},"ok":true,"none":null}"#,
        #""":"empty key""#, #""prices":1"#, #""Price":"x""#, #""price_x":"x""#, #""order_id ":5"#,
        #""é":"ü""#, #""s":"\"\\\/\b\f\n\r\t\u0000\ud83c\udfa7""#,
    ])
    func unknownFieldsOfAnyTypeAreSkipped(field: String) {
        #expect(order("{" + field + "," + sampleOrder.dropFirst()) == .sample)
        #expect(order(String(sampleOrder.dropLast()) + "," + field + "}") == .sample)
    }

    @Test func deeplyNestedUnknownValuesAreSkipped() {
        let depth = 10_000
        let nested = String(repeating: "[{\"k\":", count: depth) + "1" + String(repeating: "}]", count: depth)
        #expect(order(String(sampleOrder.dropLast()) + ",\"deep\":" + nested + "}") == .sample)
        let unbalanced = String(repeating: "[", count: depth) + String(repeating: "]", count: depth - 1)
        #expect(reason(String(sampleOrder.dropLast()) + ",\"deep\":" + unbalanced + "}") == .invalidJSON)
    }

    @Test func whitespaceIsAllowedBetweenAllTokens() {
        let space = " \t\r\n "
        let fields = sampleFields.map { "\(space)\"\($0.name)\"\(space):\(space)\($0.value)\(space)" }
        let json =
            space + "{" + fields.joined(separator: ",") + "," + space + "\"x\"" + space + ":" + space + "["
            + space + "1" + space + "," + space + "{" + space + "}" + space + "]" + space + "}" + space
        #expect(order(json) == .sample)
        #expect(order("{ }") == nil)
        #expect(reason("{\u{0B}\"a\":1}") == .invalidJSON)  // vertical tab is not JSON whitespace
        #expect(reason("{\u{A0}\"a\":1}") == .invalidJSON)  // nor is a no-break space
    }

    @Test func stringEscapesAreResolved() throws {
        let name = #""Caf\u00e9 \"Noir\" \\ 1\/2 \ud83c\udfa7 \u20AC\b\f\n\r\t""#
        let decoded = try decode(sample(with: ["product_name": name, "category": #""Home \u0026 Garden""#])).get()
        #expect(decoded.productName == "Café \"Noir\" \\ 1/2 🎧 €\u{8}\u{C}\n\r\t")
        #expect(decoded.category == "Home & Garden")
        #expect(decoded.orderID == OrderValues.sample.orderID)
    }

    @Test func rawUTF8PassesThrough() throws {
        let decoded = try decode(sample(with: ["product_name": "\"Café ☕ 🎧 日本\""])).get()
        #expect(decoded.productName == "Café ☕ 🎧 日本")
    }

    @Test func escapesWorkInEveryStringField() throws {
        let json = sample(with: [
            "order_id": #""ORDER\u002D1""#, "product_id": #""PROD\u002d001""#, "customer_id": #""CUST\/0842""#,
            "timestamp": #""2025-09-06T14:30:00.123456\u002B00:00""#,
        ])
        let decoded = try decode(json).get()
        #expect(decoded.orderID == "ORDER-1")
        #expect(decoded.productID == "PROD-001")
        #expect(decoded.customerID == "CUST/0842")
        #expect(decoded.eventTimeMicros == 1_757_169_000_123_456)
    }

    @Test func escapedKeysNameTheirFields() {
        let json = sample(with: ["price": nil]).dropLast() + #","pr\u0069ce":79.99}"#
        #expect(order(String(json)) == .sample)
    }

    @Test func longEscapedStringsGrowTheScratch() throws {
        var decoder = OrderDecoder()
        for length in [10, 3000, 100_000, 20] {
            let text = String(repeating: "ab\\n", count: length)
            let json = sample(with: [
                "product_name": "\"\(text)\"", "category": "\"\(text)\\t\"", "order_id": #""\u0041""#,
            ])
            let decoded = try decode(bytes: Array(json.utf8), with: &decoder).get()
            #expect(decoded.productName == String(repeating: "ab\n", count: length))
            #expect(decoded.category == String(repeating: "ab\n", count: length) + "\t")
            #expect(decoded.orderID == "A")
        }
    }

    /// Strings are scanned eight bytes at a time, so quotes, escapes, non-ASCII and control
    /// bytes are tried at every position of a word.
    @Test func specialBytesAtEveryPositionOfAWord() {
        for before in 0..<20 {
            let head = String(repeating: "a", count: before)
            let tail = String(repeating: "b", count: 19 - before)
            #expect(order(sample(with: ["product_name": "\"\(head)\\n\(tail)\""]))?.productName == head + "\n" + tail)
            #expect(order(sample(with: ["product_name": "\"\(head)é\(tail)\""]))?.productName == head + "é" + tail)
            #expect(order(sample(with: ["product_name": "\"\(head)\""]))?.productName == head)
            #expect(
                order(sample(with: ["product_name": "\"\(head)\u{7F}\(tail)\""]))?.productName == head + "\u{7F}" + tail
            )
            #expect(reason(sample(with: ["product_name": "\"\(head)\u{1F}\(tail)\""])) == .invalidJSON)
            #expect(
                reason(bytes: Array("{\"product_name\":\"\(head)".utf8) + [0xFF] + Array("\(tail)\"}".utf8))
                    == .invalidJSON
            )
        }
    }

    @Test func copiesOfADecoderDoNotShareScratch() throws {
        var first = OrderDecoder()
        let bytes = Array(sample(with: ["product_name": #""one\u0021""#]).utf8)
        let other = Array(sample(with: ["product_name": #""two\u0021""#]).utf8)
        try bytes.withUnsafeBytes { value in
            let order = try first.decode(value).get()
            var second = first
            _ = try other.withUnsafeBytes { try second.decode($0).get() }
            #expect(String(decoding: order.productName, as: UTF8.self) == "one!")
        }
    }

    @Test func duplicateKeysLastOneWins() {
        let base = String(sampleOrder.dropLast())
        #expect(order(#"{"price":"free","# + sampleOrder.dropFirst()) == .sample)
        #expect(order(base + #","price":12.5}"#)?.priceMicros == 12_500_000)
        #expect(reason(base + #","price":"12.5"}"#) == .wrongType)
        #expect(reason(base + #","price":null}"#) == .missingField)
        #expect(order(base + #","product_name":"Other"}"#)?.productName == "Other")
    }

    @Test func quantityZeroIsAnOrder() {
        #expect(order(sample(with: ["quantity": "0"]))?.quantity == 0)
        #expect(order(sample(with: ["quantity": "-0"]))?.quantity == 0)
        #expect(order(sample(with: ["quantity": "999999999"]))?.quantity == 999_999_999)
    }

    @Test func emptyTextsOtherThanIDsAreAllowed() {
        let decoded = order(sample(with: ["product_name": #""""#, "category": #""""#, "customer_id": #""""#]))
        #expect(decoded?.productName == "")
        #expect(decoded?.category == "")
        #expect(decoded?.customerID == "")
    }

    // MARK: Prices

    static let exactPrices: [(String, Int64)] = [
        ("79.99", Int64(79_990_000)), ("0", 0), ("0.0", 0), ("-0", 0), ("-0.0", 0), ("-0e7", 0), ("0e999999", 0),
        ("1e2", 100_000_000), ("7.999E1", 79_990_000), ("1E+2", 100_000_000), ("100e-2", 1_000_000),
        ("0.000001", 1), ("0.000001e6", 1_000_000), ("0.1234565", 123_456), ("0.1234575", 123_458),
        ("0.12345650000001", 123_457), ("0.1234564999", 123_456), ("0.0000005", 0), ("0.0000015", 2),
        ("0.5e-6", 0), ("2.5e-6", 2), ("3.5e-6", 4), ("0.00000050001", 1), ("1e-7", 0), ("1.5e-7", 0),
        ("123456789.123456789", 123_456_789_123_457), ("999999999.999999", 999_999_999_999_999),
        ("999999999.9999994999", 999_999_999_999_999), ("12", 12_000_000), ("1e-999999999999999999999", 0),
        ("0." + String(repeating: "0", count: 300) + "1", 0),
        ("1." + String(repeating: "0", count: 300) + "1", 1_000_000),
        ("0.0000025" + String(repeating: "0", count: 200), 2),
        ("0.0000025" + String(repeating: "0", count: 200) + "1", 3),
        // More than 18 digits or a large exponent: converted digit by digit.
        ("0.1234565000000000000000", 123_456), ("0.12345750000000000000000", 123_458),
        ("0.12345650000000000000001", 123_457), ("1234567.890123456789012", 1_234_567_890_123),
        ("0.0000000000000000000001e22", 1_000_000), ("123e-25", 0), ("5e-7", 0), ("15e-7", 2),
        ("0.00000000000000000000000000000000000000000000000000000000000000000000000015e68", 15),
        ("99999999999999999999e-12", 100_000_000_000_000), ("12345678901234567890e-19", 1_234_568),
    ]

    @Test(arguments: exactPrices)
    func pricesAreExactMicroUnits(price: String, micros: Int64) {
        #expect(order(sample(with: ["price": price]))?.priceMicros == micros)
    }

    static let outOfRangePrices: [String] = [
        "1000000000", "1e9", "1E9", "999999999.9999995", "999999999.99999951", "1000000000.0", "1e999999999999999",
        "1" + String(repeating: "0", count: 400), "12345678901234567890123456789", "0.001e12",
        "999999999999999999999e-12", "0.00000000000000000000000000000000000000001e50",
    ]

    @Test(arguments: outOfRangePrices)
    func pricesOfAMillionUnitsOrMoreAreOutOfRange(price: String) {
        #expect(reason(sample(with: ["price": price])) == .outOfRange)
    }

    static let negativePriceTexts: [String] = [
        "-0.01", "-79.99", "-1e-7", "-0.0000001", "-1e999999", "-1" + String(repeating: "0", count: 300),
    ]

    @Test(arguments: negativePriceTexts)
    func negativePrices(price: String) {
        #expect(reason(sample(with: ["price": price])) == .negativePrice)
    }

    // MARK: Quantities

    @Test(arguments: ["2.0", "2e0", "2.5", "2E1", "0.0", "-1.5", "1e-0"])
    func quantitiesMustBeIntegers(quantity: String) {
        #expect(reason(sample(with: ["quantity": quantity])) == .wrongType)
    }

    @Test(arguments: ["-1", "-2", "-999999999999999999999999"])
    func negativeQuantities(quantity: String) {
        #expect(reason(sample(with: ["quantity": quantity])) == .negativeQuantity)
    }

    @Test(arguments: ["1000000000", "9999999999", "99999999999999999999999999999999"])
    func quantitiesOfABillionOrMoreAreOutOfRange(quantity: String) {
        #expect(reason(sample(with: ["quantity": quantity])) == .outOfRange)
    }

    // MARK: Malformed records

    static let half = String(decoding: Array(sampleOrder.utf8).prefix(sampleOrder.utf8.count / 2), as: UTF8.self)

    static let invalidJSONRecords: [String] = [
        "", " ", "\n\t", "{", "}", "{\"order_id\"", "{\"order_id\":", half, String(sampleOrder.dropLast()),
        sampleOrder + "x", sampleOrder + "{}", sampleOrder + ",", sampleOrder + sampleOrder, sampleOrder + " 1",
        "{'order_id':'x'}", "{order_id:1}", #"{"a":1,}"#, #"{"a":1 "b":2}"#, #"{"a" 1}"#, #"{"a":}"#, #"{,"a":1}"#,
        #"{"a":[1,]}"#, #"{"a":[,1]}"#, #"{"a":[1 2]}"#, #"{"a":[1,2}}"#, #"{"a":{"b"}}"#, #"{"a":{"b":1]}"#,
        #"{"a":{1:2}}"#, #"{"a":tru}"#, #"{"a":True}"#, #"{"a":nul}"#, #"{"a":NaN}"#, #"{"a":Infinity}"#,
        #"{"a":-}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":1e+}"#,
        #"{"a":0x10}"#, #"{"a":"\x"}"#, #"{"a":"\u12G4"}"#, #"{"a":"\u123"}"#, #"{"a":"\ud800"}"#,
        #"{"a":"\udc00"}"#, #"{"a":"\ud800\u0041"}"#, #"{"a":"\ud800x"}"#, #"{"a":"abc}"#, #"{"a":"abc\"}"#,
        "{\"a\":\"tab\there\"}", "{\"a\":\"line\nbreak\"}", "{\"a\":\"nul\u{0}\"}", #"{"a":1}// note"#,
        #"/* c */{"a":1}"#, "\u{FEFF}" + sampleOrder, sampleOrder + "\u{0}",
        sample(with: ["price": "079.99"]), sample(with: ["price": "79,99"]), sample(with: ["quantity": "02"]),
        sample(with: ["quantity": "+2"]), sample(with: ["timestamp": #""2025-09-06T14:30:00\u00""#]),
    ]

    @Test(arguments: invalidJSONRecords)
    func invalidJSON(json: String) {
        #expect(reason(json) == .invalidJSON)
    }

    @Test func aMissingOrEmptyValueIsInvalidJSON() {
        #expect(reason(bytes: nil) == .invalidJSON)
        #expect(reason(bytes: []) == .invalidJSON)
    }

    @Test(arguments: [
        [UInt8(0xFF)], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x8E], [0xC3, 0x41],
    ])
    func invalidUTF8IsInvalidJSON(sequence: [UInt8]) {
        let inName =
            Array(#"{"product_name":"x"#.utf8) + sequence + Array(#"y","#.utf8) + Array(sampleOrder.utf8.dropFirst())
        #expect(reason(bytes: inName) == .invalidJSON)
        let inUnknown =
            Array(String(sampleOrder.dropLast()).utf8) + Array(#","note":""#.utf8) + sequence + Array(#""}"#.utf8)
        #expect(reason(bytes: inUnknown) == .invalidJSON)
        let outsideStrings = Array(sampleOrder.utf8) + sequence
        #expect(reason(bytes: outsideStrings) == .invalidJSON)
    }

    static let otherJSONValues: [String] = [
        "[]", "[" + sampleOrder + "]", #""text""#, "42", "-1.5e3", "null", "true", "false", " [1, {\"a\": null}] ",
        #""""#,
    ]

    @Test(arguments: otherJSONValues)
    func otherJSONValuesAreNotObjects(json: String) {
        #expect(reason(json) == .notAnObject)
    }

    @Test(arguments: OrderField.allCases.map { $0.name.description })
    func eachMissingField(field: String) {
        #expect(reason(sample(with: [field: nil])) == .missingField)
        #expect(reason(sample(with: [field: "null"])) == .missingField)
    }

    @Test func emptyIDsAreMissing() {
        #expect(reason("{}") == .missingField)
        #expect(reason(sample(with: ["order_id": #""""#])) == .missingField)
        #expect(reason(sample(with: ["product_id": #""""#])) == .missingField)
    }

    @Test(arguments: [
        ("price", #""79.99""#), ("price", "true"), ("price", "[79.99]"), ("price", "{}"),
        ("quantity", #""2""#), ("quantity", "false"), ("order_id", "1"), ("product_id", "[]"),
        ("product_name", "true"), ("category", "{}"), ("customer_id", "842"), ("timestamp", "1757169000"),
        ("timestamp", "[\"2025-09-06T14:30:00Z\"]"),
    ])
    func wrongTypes(field: String, value: String) {
        #expect(reason(sample(with: [field: value])) == .wrongType)
    }

    @Test(arguments: [
        "2025-13-45T25:61:00.000000+00:00", "yesterday", "", "1757169000", "2025-09-06", "2025-09-06T14:30",
        "2025-02-29T00:00:00Z", "2025-09-06T24:00:00Z", "2025-09-06T14:60:00Z", "2025-09-06T14:30:60Z",
        "2025-09-06T14:30:00+24:00", "2025-09-06T14:30:00+02:60", "2025-09-06T14:30:00.1234567890Z",
        "2025-09-06T14:30:00.Z", "2025-09-06X14:30:00", "2025-09-06T14:30:00 ", " 2025-09-06T14:30:00",
        "0000-01-01T00:00:00Z", "2025-9-6T14:30:00Z", "2025-09-06T14:30:00+0200x", "2025-09-06T14:30:00+2",
        "2025-09-06T14:30:00UTC", "2025-09-06T14:30:00ZZ", "2025-09-06T14:30:00+02:00:00",
        "Sat, 06 Sep 2025 14:30:00 GMT",
        "2025-09-06T14:30:00\\u0000",
    ])
    func badTimestamps(timestamp: String) {
        #expect(reason(sample(with: ["timestamp": "\"\(timestamp)\""])) == .badTimestamp)
    }

    /// The broken records `aseed simulate` produces on purpose (OrderEncoder+Malformed.swift).
    @Test func theSimulatorsBrokenRecords() {
        #expect(reason(Self.half) == .invalidJSON)
        for field in [
            "price", "product_id", "quantity", "timestamp", "customer_id", "order_id", "category", "product_name",
        ] {
            #expect(reason(sample(with: [field: nil])) == .missingField)
        }
        #expect(reason(sample(with: ["quantity": "-2"])) == .negativeQuantity)
        for timestamp in ["2025-13-45T25:61:00.000000+00:00", "yesterday", "", "1757169000"] {
            #expect(reason(sample(with: ["timestamp": "\"\(timestamp)\""])) == .badTimestamp)
        }
        #expect(reason(sample(with: ["price": #""79.99""#])) == .wrongType)
    }

    static let recordsWithTwoProblems: [(String, MalformedReason)] = [
        // (record, expected reason): each has a later reason too.
        (sample(with: ["price": #""-5""#]) + "x", MalformedReason.invalidJSON),
        ("[" + sample(with: ["price": nil]) + "]", .notAnObject),
        (sample(with: ["price": nil, "quantity": "2.5"]), .missingField),
        (sample(with: ["order_id": #""""#, "price": #""1""#]), .missingField),
        (sample(with: ["quantity": "2.5", "timestamp": #""yesterday""#]), .wrongType),
        (sample(with: ["timestamp": "5", "price": "-1"]), .wrongType),
        (sample(with: ["timestamp": #""yesterday""#, "price": "-1", "quantity": "-1"]), .badTimestamp),
        (sample(with: ["price": "-1", "quantity": "-1"]), .negativePrice),
        (sample(with: ["price": "1e12", "quantity": "-1"]), .negativeQuantity),
        (sample(with: ["price": "-1e12", "quantity": "1e12"]), .wrongType),
        (sample(with: ["price": "-1e12", "quantity": "10000000000"]), .negativePrice),
        (sample(with: ["price": "1e12", "quantity": "10000000000"]), .outOfRange),
        (sample(with: ["customer_id": nil, "order_id": "7"]), .missingField),
        (sample(with: ["quantity": "-1"]) + ",", .invalidJSON),
    ]

    @Test(arguments: recordsWithTwoProblems)
    func reasonsComeInTheContractsOrder(json: String, expected: MalformedReason) {
        #expect(reason(json) == expected)
    }

    @Test func detailsNameTheProblem() throws {
        func detail(_ json: String) -> String? {
            if case .failure(let malformed) = decode(json) { return malformed.detail }
            return nil
        }
        #expect(detail(sample(with: ["price": #""79.99""#])) == "field 'price' is a string, expected a number")
        #expect(detail(sample(with: ["customer_id": nil])) == "field 'customer_id' is missing")
        #expect(detail(sample(with: ["category": "null"])) == "field 'category' is null")
        #expect(detail(sample(with: ["quantity": "-3"])) == "quantity -3 is below zero")
        #expect(
            detail(sample(with: ["timestamp": #""yesterday""#]))
                == "timestamp 'yesterday' is not an ISO 8601 date and time"
        )
        #expect(detail("[]") == "the value is an array, not an object")
        #expect(detail(#"{"a":1"#) == "truncated value at offset 6")
        #expect(MalformedOrder(reason: .outOfRange, detail: "x").description == "out-of-range: x")
    }

    @Test func reasonNamesAreTheContracts() {
        #expect(
            MalformedReason.allCases.map(\.rawValue) == [
                "invalid-json", "not-an-object", "missing-field", "wrong-type", "bad-timestamp", "negative-price",
                "negative-quantity", "out-of-range", "unreadable-batch", "batch-too-large",
            ]
        )
    }

    @Test func aDecoderIsReusableAfterEveryKindOfRecord() throws {
        var decoder = OrderDecoder()
        let records = [
            "[]", Self.half, sample(with: ["product_name": #""\u00e9""#]), sample(with: ["price": nil]),
            "{\"x\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}",
        ]
        for record in records {
            _ = decode(bytes: Array(record.utf8), with: &decoder)
            #expect(try decode(bytes: Array(sampleOrder.utf8), with: &decoder).get() == .sample)
        }
    }
}

import Foundation
import Testing

@testable import Common

@Suite("Base64")
struct Base64Tests {
    /// RFC 4648 section 10.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfcVectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func everyByteValueRoundTripsAndMatchesFoundation() {
        let bytes = (0...255).map { UInt8($0) } + [0xFF, 0xFE]
        let encoded = Base64.encode(bytes)
        #expect(encoded == Data(bytes).base64EncodedString())
        #expect(Base64.decode(encoded) == bytes)
    }

    @Test(arguments: ["Zg", "Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg="])
    func malformedInputIsRefused(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}

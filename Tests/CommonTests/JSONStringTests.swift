import Foundation
import Testing

@testable import Common

@Suite("JSON string escaping")
struct JSONStringTests {
    @Test func shortEscapes() {
        #expect(JSONString.quoted("a\"b\\c\nd\re\tf") == #""a\"b\\c\nd\re\tf""#)
    }

    @Test func otherControlCharactersAndDeleteAsUnicodeEscapes() {
        #expect(JSONString.quoted("\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}") == #""\u0000\u0001\u0008\u000c\u001f\u007f""#)
    }

    @Test func nonASCIIPassesThrough() {
        #expect(JSONString.quoted("Café ☕🧸 <b>") == "\"Café ☕🧸 <b>\"")
        #expect(JSONString.quoted("") == "\"\"")
    }

    @Test func everyScalarBelow256RoundTripsThroughFoundation() throws {
        let text = String(String.UnicodeScalarView((0..<256).compactMap(Unicode.Scalar.init)))
        let json = "[" + JSONString.quoted(text) + "]"
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(parsed == [text])
        #expect(!json.utf8.contains { $0 < 0x20 || $0 == 0x7F })
    }

    @Test func appendsAfterExistingBytes() {
        var bytes = Array("x=".utf8)
        JSONString.append("\"", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"x="\"""#)
    }
}

import Testing

@testable import Common

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("objects, arrays, escapes and fixed decimals")
    func document() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("name")
        writer.string("Tab\t\"quoted\" \\ <b>é</b>\u{1}")
        writer.key("money")
        writer.cents(-5)
        writer.key("list")
        writer.beginArray()
        writer.integer(1)
        writer.cents(123_456)
        writer.null()
        writer.bool(true)
        writer.beginObject()
        writer.endObject()
        writer.endArray()
        writer.key("time")
        writer.timestamp(micros: 1_757_169_000_123_456)
        writer.key("rate")
        writer.double(2.25, decimals: 1)
        writer.endObject()
        #expect(
            writer.text
                == #"""
                {"name":"Tab\t\"quoted\" \\ <b>é</b>\u0001","money":-0.05,"list":[1,1234.56,null,true,{}],\#
                "time":"2025-09-06T14:30:00.123456Z","rate":2.3}
                """#
        )
    }
}

import Testing

@testable import Common

@Suite("TOML lab files read")
struct TOMLDocumentTests {
    /// A document and the error it must give.
    struct BadDocument: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var message: String

        init(_ text: String, _ line: Int, _ message: String) {
            self.text = text
            self.line = line
            self.message = message
        }

        var testDescription: String { text.debugDescription }
    }

    /// Hints that end several messages.
    static let keyHint = "; letters, digits, _ and - need no quotes, anything else goes in quotes"
    static let lineHint = "; write one key = value or header per line"
    static let valueHint = " is not a value; put text in quotes, and write booleans as true or false"
    static let dottedKeyHint = " are not supported; put the whole key in quotes if the dot is part of it"
    static let dottedTableHint = " are not supported; put the whole table name in quotes if the dot is part of it"

    func parse(_ text: String) throws(TOMLError) -> [String: TOMLValue] {
        try TOMLDocument.parse(text)
    }

    /// The error `text` gives, or nil when it reads.
    func error(_ text: String) -> TOMLError? {
        do {
            _ = try TOMLDocument.parse(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Layout

    @Test func emptyAndCommentOnlyDocumentsAreEmptyTables() throws {
        #expect(try parse("") == [:])
        #expect(try parse("\n\n  \t\n") == [:])
        #expect(try parse("# only a comment\n   # indented\n\n#") == [:])
    }

    @Test func keyValuePairsOfEachScalarType() throws {
        let document = try parse(
            """
            name = "Kafka"
            count = 42
            ready = true
            broken = false
            """
        )
        #expect(
            document == [
                "name": .string("Kafka"), "count": .integer(42), "ready": .boolean(true), "broken": .boolean(false),
            ]
        )
    }

    @Test func blanksAroundKeysAndEqualsAreIgnored() throws {
        let document = try parse("  a=1\n\tb \t=\t 2   \nc= \"x\"\t# comment\n")
        #expect(document == ["a": .integer(1), "b": .integer(2), "c": .string("x")])
    }

    @Test func crlfLineEndsAndNoFinalNewline() throws {
        let document = try parse("a = 1\r\n# note\r\n\r\nb = \"two\"\r\n[t]\r\nc = true")
        #expect(document == ["a": .integer(1), "b": .string("two"), "t": .table(["c": .boolean(true)])])
    }

    @Test func commentsAfterValuesButNotInsideStrings() throws {
        let document = try parse(
            """
            a = "# not a comment" # a comment
            b = 'x#y'#another
            c = 7 ### more
            """
        )
        #expect(document == ["a": .string("# not a comment"), "b": .string("x#y"), "c": .integer(7)])
    }

    @Test func byteOrderMarkAtTheStartIsSkipped() throws {
        #expect(try parse("\u{FEFF}a = 1") == ["a": .integer(1)])
    }

    @Test func errorsCountLinesAcrossCRLF() {
        #expect(error("a = 1\r\n\r\nb = oops\r\n") == TOMLError(line: 3, message: "\"oops\"" + Self.valueHint))
    }

    // MARK: - Keys

    @Test func bareKeys() throws {
        let document = try parse("bare_key = 1\nbare-key = 2\n1234 = 3\nA-Z_09 = 4\n-- = 5")
        #expect(
            document == [
                "bare_key": .integer(1), "bare-key": .integer(2), "1234": .integer(3), "A-Z_09": .integer(4),
                "--": .integer(5),
            ]
        )
    }

    @Test func quotedKeys() throws {
        let document = try parse(
            #"""
            "cleanup.policy" = "compact"
            'literal key' = 1
            "ʎǝʞ" = 2
            "tab\tkey" = 3
            "" = 4
            """#
        )
        #expect(
            document == [
                "cleanup.policy": .string("compact"), "literal key": .integer(1), "ʎǝʞ": .integer(2),
                "tab\tkey": .integer(3), "": .integer(4),
            ]
        )
    }

    @Test func quotedAndBareSpellingsOfOneKeyAreTheSameKey() {
        #expect(error("a = 1\n\"a\" = 2") == TOMLError(line: 2, message: #"key "a" is set twice"#))
    }

    // MARK: - Strings

    @Test func basicStringEscapes() throws {
        let document = try parse(
            #"""
            quote = "say \"hi\""
            backslash = "C:\\temp"
            newline = "a\nb"
            tab = "a\tb"
            return = "a\rb"
            backspace = "\b"
            formfeed = "\f"
            e = "caf\u00e9"
            emoji = "\U0001F600!"
            mixed = "tab	inside and unicode ☕"
            empty = ""
            """#
        )
        #expect(document["quote"] == .string("say \"hi\""))
        #expect(document["backslash"] == .string("C:\\temp"))
        #expect(document["newline"] == .string("a\nb"))
        #expect(document["tab"] == .string("a\tb"))
        #expect(document["return"] == .string("a\rb"))
        #expect(document["backspace"] == .string("\u{8}"))
        #expect(document["formfeed"] == .string("\u{C}"))
        #expect(document["e"] == .string("café"))
        #expect(document["emoji"] == .string("😀!"))
        #expect(document["mixed"] == .string("tab\tinside and unicode ☕"))
        #expect(document["empty"] == .string(""))
    }

    @Test func literalStringsKeepBackslashes() throws {
        let document = try parse(
            #"""
            path = 'C:\Users\nodejs\templates'
            regex = '<\i\c*\s*>'
            quoted = 'Tom "Dubs" Preston'
            empty = ''
            """#
        )
        #expect(document["path"] == .string(#"C:\Users\nodejs\templates"#))
        #expect(document["regex"] == .string(#"<\i\c*\s*>"#))
        #expect(document["quoted"] == .string(#"Tom "Dubs" Preston"#))
        #expect(document["empty"] == .string(""))
    }

    @Test func multilineStringTrimsTheFirstNewline() throws {
        #expect(try parse("a = \"\"\"\nRoses\nViolets\"\"\"") == ["a": .string("Roses\nViolets")])
        #expect(try parse("a = \"\"\"\r\nRoses\r\nViolets\r\n\"\"\"") == ["a": .string("Roses\nViolets\n")])
        #expect(try parse("a = \"\"\"one line\"\"\"") == ["a": .string("one line")])
        #expect(try parse("a = \"\"\"\"\"\"") == ["a": .string("")])
        #expect(try parse("a = \"\"\"\n\n  kept\"\"\"") == ["a": .string("\n  kept")])
    }

    @Test func multilineStringLineEndingBackslashJoinsLines() throws {
        let text = "a = \"\"\"\nThe quick \\\n\n   brown \\   \n\tfox \\\r\n  jumps.\\\n   \"\"\""
        #expect(try parse(text) == ["a": .string("The quick brown fox jumps.")])
    }

    @Test func multilineStringQuotesAndEscapes() throws {
        let document = try parse(
            #"""
            one = """Here are two quotation marks: "". Simple enough."""
            three = """Here are three quotation marks: ""\"."""
            fifteen = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\"."""
            edge = """"This," she said, "is just a pointless statement.""""
            two = """ends in two"""""
            escapes = """tab\there \u00e9 \\n"""
            """#
        )
        #expect(document["one"] == .string(#"Here are two quotation marks: "". Simple enough."#))
        #expect(document["three"] == .string(#"Here are three quotation marks: """."#))
        #expect(
            document["fifteen"]
                == .string("Here are fifteen quotation marks: " + String(repeating: "\"", count: 15) + ".")
        )
        #expect(document["edge"] == .string(#""This," she said, "is just a pointless statement.""#))
        #expect(document["two"] == .string("ends in two\"\""))
        #expect(document["escapes"] == .string("tab\there é \\n"))
    }

    @Test func linesAreCountedInsideMultilineStrings() {
        let text = "a = \"\"\"\none\ntwo\nthree\"\"\"\nb = \"\"\"x\\\n\n\"\"\"\nc = nope"
        #expect(error(text)?.line == 8)
    }

    // MARK: - Integers

    @Test(arguments: [
        ("0", 0), ("+0", 0), ("-0", 0), ("99", 99), ("+99", 99), ("-17", -17), ("1_000", 1000),
        ("5_349_221", 5_349_221), ("53_49_221", 5_349_221), ("1_2_3_4_5", 12345),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min), ("+9_223_372_036_854_775_807", Int.max),
    ])
    func integers(text: String, expected: Int) throws {
        #expect(try parse("n = \(text)") == ["n": .integer(expected)])
    }

    @Test(arguments: [
        "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "+9_223_372_036_854_775_808",
    ])
    func integersOutOfRange(text: String) {
        let range = "integers go from -9223372036854775808 to 9223372036854775807"
        let message = "the integer \(text) is out of range; \(range)"
        #expect(error("\n\nn = \(text)") == TOMLError(line: 3, message: message))
    }

    @Test(arguments: [
        ("007", "007 is not a valid integer: leading zeros are not allowed"),
        ("-01", "-01 is not a valid integer: leading zeros are not allowed"),
        ("0_0", "0_0 is not a valid integer: leading zeros are not allowed"),
        ("1__000", "1__000 is not a valid integer: put each _ between two digits"),
        ("_1", "\"_1\"" + Self.valueHint),
        ("1_", "1_ is not a valid integer: put each _ between two digits"),
        ("+_1", "+_1 is not a valid integer: put each _ between two digits"),
        ("12abc", "12abc is not a valid integer"),
        ("+", "+ is not a valid integer"),
        ("--1", "--1 is not a valid integer"),
        ("1+2", "1+2 is not a valid integer"),
    ])
    func invalidIntegers(text: String, message: String) {
        #expect(error("a = 1\nn = \(text)") == TOMLError(line: 2, message: message))
    }

    // MARK: - Unsupported values

    @Test(arguments: [
        ("3.14", "floats are not supported (3.14)"),
        ("-0.5", "floats are not supported (-0.5)"),
        ("1e6", "floats are not supported (1e6)"),
        ("6.626e-34", "floats are not supported (6.626e-34)"),
        ("1_000.5", "floats are not supported (1_000.5)"),
        ("inf", "floats are not supported (inf)"),
        ("-inf", "floats are not supported (-inf)"),
        ("nan", "floats are not supported (nan)"),
        ("+nan", "floats are not supported (+nan)"),
        ("1979-05-27", "dates and times are not supported (1979-05-27)"),
        ("1979-05-27T07:32:00Z", "dates and times are not supported (1979-05-27T07:32:00Z)"),
        ("1979-05-27 07:32:00", "dates and times are not supported (1979-05-27)"),
        ("07:32:00", "dates and times are not supported (07:32:00)"),
        ("0xDEADBEEF", "hexadecimal, octal and binary integers are not supported (0xDEADBEEF)"),
        ("0o755", "hexadecimal, octal and binary integers are not supported (0o755)"),
        ("0b1101", "hexadecimal, octal and binary integers are not supported (0b1101)"),
        ("'''text'''", "multi-line literal strings (''') are not supported; use \"\"\" instead"),
    ])
    func unsupportedValuesAreNamed(text: String, message: String) {
        #expect(error("# lab\nvalue = \(text)") == TOMLError(line: 2, message: message))
    }

    @Test func unquotedTextIsNotAValue() {
        #expect(error("title = First steps") == TOMLError(line: 1, message: "\"First\"" + Self.valueHint))
        #expect(error("ok = True") == TOMLError(line: 1, message: "\"True\"" + Self.valueHint))
        #expect(error("e = e5") == TOMLError(line: 1, message: "\"e5\"" + Self.valueHint))
    }

    // MARK: - Arrays

    @Test func arrays() throws {
        let document = try parse(
            """
            integers = [ 1, 2, 3 ]
            empty = []
            blank = [   ]
            strings = ["red", 'yellow', \"\"\"green\"\"\"]
            nested = [ [ 1, 2 ], ["a", [true]] ]
            mixed = [ 0, "zero", false, { x = 1 } ]
            """
        )
        #expect(document["integers"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(document["empty"] == .array([]))
        #expect(document["blank"] == .array([]))
        #expect(document["strings"] == .array([.string("red"), .string("yellow"), .string("green")]))
        #expect(
            document["nested"]
                == .array([.array([.integer(1), .integer(2)]), .array([.string("a"), .array([.boolean(true)])])])
        )
        #expect(
            document["mixed"] == .array([.integer(0), .string("zero"), .boolean(false), .table(["x": .integer(1)])])
        )
    }

    @Test func arraysSpanLinesWithCommentsAndATrailingComma() throws {
        let document = try parse(
            """
            topics = [
                "orders",   # the input
                # a comment line

                "payments", # another
            ]
            after = 1
            one = [1,]
            crlf = [\r\n2\r\n]
            """
        )
        #expect(document["topics"] == .array([.string("orders"), .string("payments")]))
        #expect(document["after"] == .integer(1))
        #expect(document["one"] == .array([.integer(1)]))
        #expect(document["crlf"] == .array([.integer(2)]))
    }

    // MARK: - Inline tables

    @Test func inlineTables() throws {
        let document = try parse(
            #"""
            config = { "cleanup.policy" = "compact", retention = 3, compact = true }
            empty = {}
            spaced = {   }
            nested = { point = { x = 1, y = 2 }, tags = ["a", "b"] }
            tight = {a=1,b='two'}
            """#
        )
        #expect(
            document["config"]
                == .table(["cleanup.policy": .string("compact"), "retention": .integer(3), "compact": .boolean(true)])
        )
        #expect(document["empty"] == .table([:]))
        #expect(document["spaced"] == .table([:]))
        #expect(
            document["nested"]
                == .table([
                    "point": .table(["x": .integer(1), "y": .integer(2)]),
                    "tags": .array([.string("a"), .string("b")]),
                ])
        )
        #expect(document["tight"] == .table(["a": .integer(1), "b": .string("two")]))
    }

    @Test func aValueInsideAnInlineTableMaySpanLines() throws {
        let document = try parse("t = { list = [\n1,\n2,\n], text = \"\"\"\nx\"\"\" }\nn = 1")
        #expect(
            document == [
                "t": .table(["list": .array([.integer(1), .integer(2)]), "text": .string("x")]), "n": .integer(1),
            ]
        )
    }

    // MARK: - Tables

    @Test func tableHeaders() throws {
        let document = try parse(
            """
            top = 1

            [broker]
            host = "localhost"
            port = 9092

            [ "cleanup.policy" ]   # quoted name, blanks inside the brackets
            value = "compact"

            ['empty']
            [other]
            host = "elsewhere"
            """
        )
        #expect(
            document == [
                "top": .integer(1),
                "broker": .table(["host": .string("localhost"), "port": .integer(9092)]),
                "cleanup.policy": .table(["value": .string("compact")]),
                "empty": .table([:]),
                "other": .table(["host": .string("elsewhere")]),
            ]
        )
    }

    @Test func arraysOfTablesAppendInOrder() throws {
        let document = try parse(
            """
            [[step]]
            id = "one"

            [[ step ]]

            [[step]]
            id = "three"
            [settings]
            x = 1
            [["step"]]
            id = "four"
            """
        )
        let steps = document["step"]?.array?.map { $0.table?["id"]?.string }
        #expect(steps == ["one", nil, "three", "four"])
        #expect(document["step"]?.array?[1] == .table([:]))
        #expect(document["settings"] == .table(["x": .integer(1)]))
    }

    @Test func sameKeyInDifferentTablesIsFine() throws {
        let document = try parse("id = 0\n[a]\nid = 1\n[[b]]\nid = 2\n[[b]]\nid = 3")
        #expect(document["id"] == .integer(0))
        #expect(document["a"]?.table?["id"] == .integer(1))
        #expect(document["b"] == .array([.table(["id": .integer(2)]), .table(["id": .integer(3)])]))
    }

    // MARK: - Errors

    static let badDocuments: [BadDocument] = [
        // Strings
        BadDocument("a = 1\nb = 2\n\nc = \"open", 4, "a string is not closed"),
        BadDocument("c = \"open\nd = 1\"", 1, "a string is not closed"),
        BadDocument("c = 'open\n'", 1, "a string is not closed"),
        BadDocument("c = \"trailing backslash\\\n\"", 1, "a string is not closed"),
        BadDocument("x = 1\nc = \"\"\"\nnever\nclosed\"\"", 2, "a multi-line string is not closed; it needs \"\"\""),
        BadDocument("c = \"\"\"a\"\"\"\"\"\"", 1, "too many quotes in a row in a multi-line string; escape them"),
        BadDocument("\nc = \"bad \\q escape\"", 2, #"\q is not a valid escape in a string; write \\ for a backslash"#),
        BadDocument(
            "c = \"\\ \"",
            1,
            "a backslash followed by a space is not a valid escape in a string; write \\\\ for a backslash"
        ),
        BadDocument(
            "c = \"\"\"\nok\nbad \\x\"\"\"",
            3,
            #"\x is not a valid escape in a string; write \\ for a backslash"#
        ),
        BadDocument(
            "c = \"\"\"\\ x\"\"\"",
            1,
            "a backslash followed by a space is not a valid escape in a string; write \\\\ for a backslash"
        ),
        BadDocument(#"c = "\u12""#, 1, #"\u must be followed by 4 hexadecimal digits"#),
        BadDocument(#"c = "\u12G4""#, 1, #"\u must be followed by 4 hexadecimal digits"#),
        BadDocument(#"c = "\U0001F6""#, 1, #"\U must be followed by 8 hexadecimal digits"#),
        BadDocument(#"c = "\uD800""#, 1, #"\uD800 is not a Unicode character"#),
        BadDocument(#"c = "\U00110000""#, 1, #"\U00110000 is not a Unicode character"#),
        BadDocument("c = \"bell \u{7}\"", 1, "the control character U+0007 is not allowed in a string"),
        BadDocument("c = 'del \u{7F}'", 1, "the control character U+007F is not allowed in a string"),
        BadDocument("c = \"\"\"\nnul \u{0}\"\"\"", 2, "the control character U+0000 is not allowed in a string"),
        BadDocument("c = 1 # bell \u{7}", 1, "the control character U+0007 is not allowed in a comment"),
        BadDocument("c = \"bare \r cr\"", 1, "the control character U+000D is not allowed in a string"),
        // Line ends
        BadDocument(
            "a = 1\rb = 2",
            1,
            "a carriage return must be followed by a line feed; save the file with LF or CRLF line ends"
        ),
        BadDocument(
            "a = 1\n\r",
            2,
            "a carriage return must be followed by a line feed; save the file with LF or CRLF line ends"
        ),
        // Keys
        BadDocument("title = \"a\"\n\ntitle = \"b\"", 3, #"key "title" is set twice"#),
        BadDocument("[[step]]\nid = 1\nid = 2", 3, #"key "id" is set twice in [[step]]"#),
        BadDocument("[broker]\nport = 1\n'port' = 2", 3, #"key "port" is set twice in [broker]"#),
        BadDocument("[\"a b\"]\nk = 1\nk = 2", 3, #"key "k" is set twice in ["a b"]"#),
        BadDocument("t = { a = 1, b = 2, a = 3 }", 1, #"key "a" is set twice in an inline table"#),
        BadDocument("a.b = 1", 1, #"dotted keys like a.b"# + Self.dottedKeyHint),
        BadDocument("\"a\" . b = 1", 1, #"dotted keys like "a" . b"# + Self.dottedKeyHint),
        BadDocument("3.14 = 1", 1, #"dotted keys like 3.14"# + Self.dottedKeyHint),
        BadDocument("t = { x.y = 1 }", 1, #"dotted keys like x.y"# + Self.dottedKeyHint),
        BadDocument("= 1", 1, #"expected a key but found "= 1""# + Self.keyHint),
        BadDocument("ключ = 1", 1, #"expected a key but found "ключ = 1""# + Self.keyHint),
        BadDocument("\"\"\"k\"\"\" = 1", 1, "a key cannot be a multi-line string"),
        BadDocument("title", 1, #"expected = and a value after the key "title""#),
        BadDocument("title # no value", 1, #"expected = and a value after the key "title""#),
        BadDocument("first name = 1", 1, #"expected =, found "name = 1" after the key "first""#),
        BadDocument("title =", 1, "a value is missing after ="),
        BadDocument("title = # nothing\n", 1, "a value is missing after ="),
        // Garbage after a value
        BadDocument("a = 1\nb = 2 3", 2, #"unexpected "3" after the value of "b""# + Self.lineHint),
        BadDocument("a = \"x\" \"y\"", 1, #"unexpected "\"y\"" after the value of "a""# + Self.lineHint),
        BadDocument("a = true b = 1", 1, #"unexpected "b = 1" after the value of "a""# + Self.lineHint),
        BadDocument("a = [1] ]", 1, #"unexpected "]" after the value of "a""# + Self.lineHint),
        BadDocument("a = {} }", 1, #"unexpected "}" after the value of "a""# + Self.lineHint),
        BadDocument("a = 1,", 1, #"unexpected "," after the value of "a""# + Self.lineHint),
        BadDocument("a = truex", 1, "\"truex\"" + Self.valueHint),
        BadDocument("a = 1\u{B}", 1, #"unexpected "\u000B" after the value of "a""# + Self.lineHint),
        // Arrays
        BadDocument("\na = [1, 2,\n3", 2, "an array is not closed; it needs a ]"),
        BadDocument("a = [\n  # only a comment\n", 1, "an array is not closed; it needs a ]"),
        BadDocument(
            "a = [1, 2\nb = 3",
            2,
            #"expected , or ] after an item of the array that starts on line 1, found "b = 3""#
        ),
        BadDocument(
            "a = [\n  1\n  2\n]",
            3,
            #"expected , or ] after an item of the array that starts on line 1, found "2""#
        ),
        BadDocument("a = [1,,2]", 1, #"expected a value in the array but found ",""#),
        BadDocument("a = [,]", 1, #"expected a value in the array but found ",""#),
        BadDocument("a = [1, }]", 1, #"expected a value but found "}]""#),
        // Inline tables
        BadDocument("t = { a = 1", 1, "an inline table is not closed; it needs a } on the same line"),
        BadDocument("t = { a = 1,\n b = 2 }", 1, "an inline table is not closed; it needs a } on the same line"),
        BadDocument("t = {\n}", 1, "an inline table is not closed; it needs a } on the same line"),
        BadDocument("t = { a = 1 # c\n}", 1, "an inline table is not closed; it needs a } on the same line"),
        BadDocument("t = { a = 1, }", 1, "an inline table cannot end with a comma before }"),
        BadDocument("t = { a = 1 b = 2 }", 1, #"expected , or } in the inline table, found "b = 2 }""#),
        BadDocument("t = { , }", 1, #"expected a key but found ", }""# + Self.keyHint),
        BadDocument("t = { a }", 1, #"expected =, found "}" after the key "a""#),
        // Headers
        BadDocument("[a]\nx = 1\n[b]\n[a]", 4, "table [a] is defined twice (first on line 1)"),
        BadDocument("[a]\n['a']", 2, "table [a] is defined twice (first on line 1)"),
        BadDocument("name = \"x\"\n[name]", 2, #"table [name] clashes with the key "name" set on line 1"#),
        BadDocument(
            "config = { a = 1 }\n[config]\nb = 2",
            2,
            #"table [config] clashes with the key "config" set on line 1"#
        ),
        BadDocument("[[step]]\n[step]", 2, "table [step] clashes with the array of tables [[step]] on line 1"),
        BadDocument("\nstep = 1\n[[step]]", 3, #"array of tables [[step]] clashes with the key "step" set on line 2"#),
        BadDocument("step = []\n[[step]]", 2, #"array of tables [[step]] clashes with the key "step" set on line 1"#),
        BadDocument("[step]\n[[step]]", 2, "array of tables [[step]] clashes with the table [step] on line 1"),
        BadDocument("[]", 1, "a table header needs a name between the brackets"),
        BadDocument("[[ ]]", 1, "a table header needs a name between the brackets"),
        BadDocument("[a.b]", 1, #"dotted table names like a.b"# + Self.dottedTableHint),
        BadDocument("[[step.check]]", 1, #"dotted table names like step.check"# + Self.dottedTableHint),
        BadDocument("[a", 1, #"the table header for "a" is not closed; it needs ], found the end of the file"#),
        BadDocument("[[a]\nx = 1", 1, #"the table header for "a" is not closed; it needs ]], found "]""#),
        BadDocument("[a b]", 1, #"the table header for "a" is not closed; it needs ], found "b]""#),
        BadDocument("[ [a]]", 1, #"expected a table name but found "[a]]""# + Self.keyHint),
        BadDocument("[a] x = 1", 1, #"unexpected "x = 1" after [a]"# + Self.lineHint),
        BadDocument("[[a]]]", 1, #"unexpected "]" after [[a]]"# + Self.lineHint),
    ]

    @Test(arguments: badDocuments)
    func errorsSayWhatAndWhere(bad: BadDocument) {
        #expect(error(bad.text) == TOMLError(line: bad.line, message: bad.message))
    }

    @Test func errorDescriptionIsLineThenMessage() {
        #expect(TOMLError(line: 4, message: "a string is not closed").description == "line 4: a string is not closed")
        #expect(error("a = 1\n\n\nb = \"x").map(String.init(describing:)) == "line 4: a string is not closed")
        #expect(
            error("title = \"a\"\n\n\n\n\n\n\n\ntitle = \"b\"")?.description == #"line 9: key "title" is set twice"#
        )
    }

    @Test func longTextInMessagesIsCutShort() {
        let message = error("a = 1 and then a great deal of text that goes on")?.message
        #expect(message == #"unexpected "and then a great dea..." after the value of "a""# + Self.lineHint)
    }

    // MARK: - Values

    @Test func accessorsAnswerOnlyForTheirCase() {
        let values: [TOMLValue] = [
            .string("s"), .integer(1), .boolean(true), .array([.integer(2)]), .table(["k": .integer(3)]),
        ]
        #expect(values.map(\.string) == ["s", nil, nil, nil, nil])
        #expect(values.map(\.integer) == [nil, 1, nil, nil, nil])
        #expect(values.map(\.boolean) == [nil, nil, true, nil, nil])
        #expect(values.map(\.array) == [nil, nil, nil, [.integer(2)], nil])
        #expect(values.map(\.table) == [nil, nil, nil, nil, ["k": .integer(3)]])
    }

    // MARK: - A whole lab

    @Test func aRealisticLabFile() throws {
        let lab = try parse(
            #"""
            # A first Kafka class
            id = "first-steps"
            title = "First steps with Kafka"

            [[step]]
            id = "connect"
            title = "Connect to the broker"
            goal = "connect"
            hint = """
            Set bootstrap.servers to {bootstrap} \
            and client.id to {name}."""

            [[step]]
            id = "topic"
            goal = "topic"
            topic = "students.{name}.six"
            partitions = 6
            config = { "cleanup.policy" = "compact" }
            """#
        )
        #expect(lab["id"]?.string == "first-steps")
        #expect(lab["title"]?.string == "First steps with Kafka")
        let steps = lab["step"]?.array?.compactMap(\.table) ?? []
        try #require(steps.count == 2)
        #expect(
            steps[0] == [
                "id": .string("connect"),
                "title": .string("Connect to the broker"),
                "goal": .string("connect"),
                "hint": .string("Set bootstrap.servers to {bootstrap} and client.id to {name}."),
            ]
        )
        #expect(
            steps[1] == [
                "id": .string("topic"),
                "goal": .string("topic"),
                "topic": .string("students.{name}.six"),
                "partitions": .integer(6),
                "config": .table(["cleanup.policy": .string("compact")]),
            ]
        )
        #expect(lab.count == 3)
    }

    @Test func aLabFileWithCRLFLineEndsReadsTheSame() throws {
        let text = """
            id = "first-steps"\r
            [[step]]\r
            hint = \"\"\"\r
            Set bootstrap.servers \\\r
            now.\r
            Then go on.\"\"\"\r
            list = [\r
              "a", # first\r
            ]
            """
        let lab = try parse(text)
        #expect(
            lab["step"]
                == .array([
                    .table(["hint": .string("Set bootstrap.servers now.\nThen go on."), "list": .array([.string("a")])])
                ])
        )
    }
}

/// Writes the text of a JSON string's content with its escapes resolved, as UTF-8. Only used
/// for the rare strings that have escapes, after `JSONScanner` checked them, so it trusts
/// its input.
enum JSONUnescaper {
    /// The value of a hex digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte &- UInt8(ascii: "A") &+ 10)
        default: nil
        }
    }

    /// Unescapes the checked string content `source` into `target` and returns the number of
    /// bytes written, never more than `source.count`: every escape is at least as long as
    /// the UTF-8 it stands for (`\n` 2 -> 1, `\uXXXX` 6 -> at most 3, a surrogate pair 12 -> 4).
    static func unescape(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer) -> Int {
        var read = 0
        var written = 0
        while read < source.count {
            let byte = source[read]
            guard byte == UInt8(ascii: "\\") else {
                target.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
                written += 1
                read += 1
                continue
            }
            let kind = source[read + 1]
            read += 2
            var single: UInt8
            switch kind {
            case UInt8(ascii: "b"): single = 0x08
            case UInt8(ascii: "f"): single = 0x0C
            case UInt8(ascii: "n"): single = 0x0A
            case UInt8(ascii: "r"): single = 0x0D
            case UInt8(ascii: "t"): single = 0x09
            case UInt8(ascii: "u"):
                var scalar = unit(source, at: read)
                read += 4
                if scalar & 0xFC00 == 0xD800 {
                    let low = unit(source, at: read + 2)  // after the second `\u`
                    read += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                written += encodeUTF8(scalar, into: target + written)
                continue
            default:
                single = kind  // `"`, `\` or `/` stand for themselves
            }
            target.storeBytes(of: single, toByteOffset: written, as: UInt8.self)
            written += 1
        }
        return written
    }

    /// The code unit of the four checked hex digits at `offset`.
    private static func unit(_ source: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        var unit: UInt32 = 0
        for index in offset..<(offset + 4) {
            unit = unit << 4 | (hexValue(source[index]) ?? 0)
        }
        return unit
    }

    /// Writes a Unicode scalar value as UTF-8 and returns its length.
    private static func encodeUTF8(_ scalar: UInt32, into target: UnsafeMutableRawPointer) -> Int {
        func store(_ value: UInt32, _ offset: Int) {
            target.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
        }
        switch scalar {
        case 0..<0x80:
            store(scalar, 0)
            return 1
        case 0x80..<0x800:
            store(0xC0 | scalar >> 6, 0)
            store(0x80 | scalar & 0x3F, 1)
            return 2
        case 0x800..<0x10000:
            store(0xE0 | scalar >> 12, 0)
            store(0x80 | scalar >> 6 & 0x3F, 1)
            store(0x80 | scalar & 0x3F, 2)
            return 3
        default:
            store(0xF0 | scalar >> 18, 0)
            store(0x80 | scalar >> 12 & 0x3F, 1)
            store(0x80 | scalar >> 6 & 0x3F, 2)
            store(0x80 | scalar & 0x3F, 3)
            return 4
        }
    }
}

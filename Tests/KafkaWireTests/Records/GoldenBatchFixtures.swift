import KafkaWire
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The batches that real clients wrote, in `Tests/KafkaWireTests/Fixtures/batches/`, captured
/// by `Tools/capture-batches/capture.py`: CLIENT-CODEC.hex holds one batch in hex, and
/// CLIENT.records.txt the records every batch of that client holds.
enum GoldenBatchFixtures {
    static let clients = ["kafka-python", "librdkafka"]

    /// Found from this file's path, so the tests need no bundle resources.
    static let directory: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // Records/GoldenBatchFixtures.swift
        return parts.joined(separator: "/") + "/Fixtures/batches/"
    }()

    struct Expected {
        var baseTimestamp: Int64 = 0
        var records: [Record] = []
    }

    static func batch(client: String, codec: CompressionCodec) throws -> ByteBuffer {
        try hexBytes(readText(directory + "\(client)-\(codec).hex"))
    }

    static func expected(client: String) throws -> Expected {
        var expected = Expected()
        for line in try readText(directory + "\(client).records.txt").split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let kind = words.first, kind != "#" else { continue }
            var fields: [Substring: Substring] = [:]
            for word in words.dropFirst() {
                let pair = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                fields[pair[0]] = pair.count > 1 ? pair[1] : ""
            }
            switch kind {
            case "batch":
                expected.baseTimestamp = Int64(fields["baseTimestamp"]!)!
            case "record":
                expected.records.append(
                    Record(
                        timestampDelta: Int64(fields["timestampDelta"]!)!,
                        offsetDelta: Int32(fields["offsetDelta"]!)!,
                        key: try nullableHex(fields["key"]!),
                        value: try nullableHex(fields["value"]!)
                    )
                )
            case "header":
                var key = try hexBytes(fields["key"]!)
                expected.records[expected.records.count - 1].headers.append(
                    RecordHeader(
                        key: key.readString(length: key.readableBytes)!,
                        value: try nullableHex(fields["value"]!)
                    )
                )
            default:
                throw FixtureError(message: "unknown line in \(client).records.txt: \(line)")
            }
        }
        return expected
    }

    struct FixtureError: Error {
        var message: String
    }

    static func readText(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else { throw FixtureError(message: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func writeText(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw FixtureError(message: "cannot create \(path)") }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
            throw FixtureError(message: "cannot write \(path)")
        }
    }

    static func hexBytes(_ text: some StringProtocol) throws -> ByteBuffer {
        let digits = text.utf8.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: " ") }
        guard digits.count % 2 == 0 else { throw FixtureError(message: "odd number of hex digits") }
        var buffer = ByteBuffer()
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
                throw FixtureError(message: "not a hex digit")
            }
            buffer.writeInteger(high << 4 | low)
            index += 2
        }
        return buffer
    }

    static func hex(_ buffer: ByteBuffer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in buffer.readableBytesView.enumerated() {
            text += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            if index % 64 == 63 { text.append(UInt8(ascii: "\n")) }
        }
        if text.last != UInt8(ascii: "\n") { text.append(UInt8(ascii: "\n")) }
        return String(decoding: text, as: UTF8.self)
    }

    private static func nullableHex(_ text: Substring) throws -> ByteBuffer? {
        text == "null" ? nil : try hexBytes(text)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

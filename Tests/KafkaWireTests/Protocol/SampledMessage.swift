import KafkaWire
import NIOCore
import Testing

/// A generated message or struct with sample values (see Generated/ProtocolSamples.swift).
protocol SampledMessage: Equatable, Sendable {
    init(from buffer: inout ByteBuffer, version: Int16) throws
    func write(to buffer: inout ByteBuffer, version: Int16)
    static func sample(version: Int16, nulls: Bool) -> Self
}

/// One generated message type as a test argument: its name, versions and type-erased checks.
struct SampledMessageCase: Sendable, CustomTestStringConvertible {
    let name: String
    let versions: ClosedRange<Int16>
    /// Encodes the sample of a version, decodes it, and checks value and bytes survive.
    let checkRoundTrip: @Sendable (_ version: Int16, _ nulls: Bool) throws -> Void
    /// Decodes every strict prefix of the sample's encoding; returns the prefix lengths that
    /// did not throw `KafkaDecodingError` (there should be none).
    let prefixesThatDecoded: @Sendable (_ version: Int16) -> [Int]
    /// Decodes the sample's v0 encoding claiming `version`; true if it threw KafkaDecodingError.
    let rejectsVersion: @Sendable (_ version: Int16) -> Bool

    init<Message: SampledMessage>(_ type: Message.Type, versions: ClosedRange<Int16>) {
        self.name = "\(Message.self)"
        self.versions = versions
        self.checkRoundTrip = { version, nulls in
            try roundTrip(Message.self, version: version, nulls: nulls)
        }
        self.prefixesThatDecoded = { version in
            var encoded = ByteBuffer()
            Message.sample(version: version, nulls: false).write(to: &encoded, version: version)
            return (0..<encoded.readableBytes).filter { length in
                var prefix = encoded.getSlice(at: encoded.readerIndex, length: length)!
                do {
                    _ = try Message(from: &prefix, version: version)
                    return true
                } catch is KafkaDecodingError {
                    return false
                } catch {
                    return true
                }
            }
        }
        self.rejectsVersion = { version in
            var encoded = ByteBuffer()
            Message.sample(version: versions.lowerBound, nulls: false).write(to: &encoded, version: versions.lowerBound)
            do {
                _ = try Message(from: &encoded, version: version)
                return false
            } catch {
                return error is KafkaDecodingError
            }
        }
    }

    var testDescription: String { name }
}

/// Encode -> decode -> encode; the value and the bytes must come back unchanged, with every
/// byte consumed.
func roundTrip<Message: SampledMessage>(_: Message.Type, version: Int16, nulls: Bool) throws {
    let sample = Message.sample(version: version, nulls: nulls)
    var buffer = ByteBuffer()
    sample.write(to: &buffer, version: version)
    let encoded = buffer
    let decoded = try Message(from: &buffer, version: version)
    #expect(decoded == sample, "\(Message.self) v\(version) nulls: \(nulls)")
    #expect(buffer.readableBytes == 0, "\(Message.self) v\(version) left \(buffer.readableBytes) bytes")
    var reencoded = ByteBuffer()
    decoded.write(to: &reencoded, version: version)
    #expect(reencoded == encoded, "\(Message.self) v\(version) re-encodes differently")
}

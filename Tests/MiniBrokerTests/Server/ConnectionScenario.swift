import KafkaWire
import Testing

/// A request a client gets wrong, sent on a connection after a good request and followed by
/// another (the probe), with what the broker must do about it.
struct ConnectionScenario: Sendable, CustomTestStringConvertible {
    /// Correlation ids of the good request before, the bad one, and the probe after.
    static let before: Int32 = 1
    static let bad: Int32 = 7
    static let probe: Int32 = 99

    let testDescription: String
    let bytes: [UInt8]
    /// The error code the answer to the bad request opens its body with; nil when none comes.
    let errorCode: KafkaErrorCode?
    /// Whether the broker closes the connection (then the probe is not answered).
    let closes: Bool

    /// The good request, then the bad bytes together with the probe.
    var steps: [ConnectionStep] {
        let apiVersions = ApiVersionsRequest(clientSoftwareName: "handler-test", clientSoftwareVersion: "1")
        let first = WireFrame.request(apiVersions, version: 3, correlationId: Self.before)
        let probe = WireFrame.request(apiVersions, version: 3, correlationId: Self.probe)
        return [
            ConnectionStep(bytes: first, awaitedCorrelationId: Self.before),
            ConnectionStep(bytes: bytes + probe, awaitedCorrelationId: Self.probe),
        ]
    }

    /// The largest request these scenarios' broker accepts.
    static let maximumFrameSize = 4096

    static let all: [ConnectionScenario] = [
        ConnectionScenario(
            testDescription: "an unknown API key is answered UNSUPPORTED_VERSION",
            bytes: WireFrame.raw(apiKey: 1_000, version: 0, correlationId: bad, body: []),
            errorCode: .unsupportedVersion,
            closes: false
        ),
        ConnectionScenario(
            testDescription: "an unserved version of a served API is answered UNSUPPORTED_VERSION",
            bytes: WireFrame.raw(apiKey: ApiKey.metadata.rawValue, version: 99, correlationId: bad, body: []),
            errorCode: .unsupportedVersion,
            closes: false
        ),
        ConnectionScenario(
            testDescription: "an unknown ApiVersions version gets the v0 answer with UNSUPPORTED_VERSION",
            bytes: WireFrame.raw(apiKey: ApiKey.apiVersions.rawValue, version: 99, correlationId: bad, body: []),
            errorCode: .unsupportedVersion,
            closes: false
        ),
        ConnectionScenario(
            testDescription: "a malformed body of a served API is answered INVALID_REQUEST",
            // An unterminated varint where the header's tagged fields start.
            bytes: WireFrame.raw(
                apiKey: ApiKey.metadata.rawValue,
                version: 12,
                correlationId: bad,
                body: [0x80, 0x80, 0x80, 0x80, 0x80]
            ),
            errorCode: .invalidRequest,
            closes: false
        ),
        ConnectionScenario(
            testDescription: "a frame too short for a request header closes the connection",
            bytes: WireFrame.bare([0x00, 0x12, 0x00]),
            errorCode: nil,
            closes: true
        ),
        ConnectionScenario(
            testDescription: "a frame over socket.request.max.bytes closes the connection unread",
            bytes: WireFrame.bare([UInt8](repeating: 0, count: maximumFrameSize + 1)),
            errorCode: nil,
            closes: true
        ),
        ConnectionScenario(
            testDescription: "a negative frame size closes the connection",
            bytes: [0xFF, 0xFF, 0xFF, 0xF0, 0x00, 0x12],
            errorCode: nil,
            closes: true
        ),
    ]
}

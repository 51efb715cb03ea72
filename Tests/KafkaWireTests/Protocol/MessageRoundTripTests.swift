import KafkaWire
import NIOCore
import Testing

@Suite struct MessageRoundTripTests {
    @Test(arguments: allSampledMessages)
    func everyVersionRoundTrips(_ message: SampledMessageCase) throws {
        for version in message.versions {
            try message.checkRoundTrip(version, false)
            try message.checkRoundTrip(version, true)
        }
    }

    @Test(arguments: allSampledMessages)
    func truncatedInputThrowsAtEveryLength(_ message: SampledMessageCase) {
        for version in message.versions {
            let decoded = message.prefixesThatDecoded(version)
            #expect(decoded.isEmpty, "\(message.name) v\(version) decoded prefixes of length \(decoded)")
        }
    }

    @Test(arguments: allSampledMessages.filter { $0.name.hasSuffix("Request") || $0.name.hasSuffix("Response") })
    func versionsOutsideTheCodecAreRejected(_ message: SampledMessageCase) {
        #expect(message.rejectsVersion(message.versions.upperBound + 1))
        #expect(message.rejectsVersion(-1))
    }

    @Test func everyApiHasARequestAndAResponse() {
        let names = Set(allSampledMessages.map(\.name))
        for api in ApiKey.allCases {
            #expect(names.contains("\(api.name)Request"))
            #expect(names.contains("\(api.name)Response"))
        }
    }
}

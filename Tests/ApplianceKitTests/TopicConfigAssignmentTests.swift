import ApplianceKit
import Testing

@Suite struct TopicConfigAssignmentTests {
    @Test func splitsAtTheFirstEqualsSign() throws {
        let assignment = try TopicConfigAssignment(parsing: "message.format=a=b", option: "--set")
        #expect(assignment.name == "message.format")
        #expect(assignment.value == "a=b")
        #expect(try TopicConfigAssignment(parsing: "retention.ms=", option: "--set").value == "")
    }

    @Test(arguments: ["retention.ms", "=3600000", ""])
    func refusesTextWithoutAKey(text: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try TopicConfigAssignment(parsing: text, option: "--set")
        }
        #expect(error?.description.contains("--set: expected key=value") == true)
    }

    @Test func aRepeatedNameKeepsItsLastValue() throws {
        let entries = try TopicConfigAssignment.dictionary(
            parsing: ["retention.ms=1", "cleanup.policy=compact", "retention.ms=2"],
            option: "--topic-config"
        )
        #expect(entries == ["retention.ms": "2", "cleanup.policy": "compact"])
    }
}

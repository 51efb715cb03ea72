import Common
import Testing

@Suite("Time limit: waiting for work that cannot be cancelled")
struct TimeLimitTests {
    @Test func workThatEndsInTimeGivesItsValue() async throws {
        #expect(try await TimeLimit.wait(.seconds(10)) { 42 } == 42)
    }

    @Test func workThatTakesLongerGivesNilWhenTheLimitPasses() async throws {
        let start = ContinuousClock.now
        let value: Int? = try await TimeLimit.wait(.milliseconds(50)) {
            try? await Task.sleep(for: .seconds(30))
            return 1
        }
        #expect(value == nil)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    struct Failure: Error {}

    @Test func anErrorOfTheWorkIsThrown() async {
        await #expect(throws: Failure.self) {
            try await TimeLimit.wait(.seconds(10)) { () async throws -> Int in throw Failure() }
        }
    }
}

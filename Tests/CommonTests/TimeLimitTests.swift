import Common
import Testing

@Suite("Time limit: waiting for work that cannot be cancelled", .timeLimit(.minutes(1)))
struct TimeLimitTests {
    @Test func workThatEndsInTimeGivesItsValue() async throws {
        #expect(try await TimeLimit.wait(.seconds(10)) { 42 } == 42)
    }

    /// The work ends only when the test lets it go, after the wait has returned, so a wait that
    /// returns at all did not wait for the work. (A bound on the wall time would measure how busy
    /// the test run's threads are more than the limit.)
    @Test func workThatTakesLongerGivesNilWhenTheLimitPasses() async throws {
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let value: Int? = try await TimeLimit.wait(.milliseconds(50)) {
            for await _ in release {}
            return 1
        }
        #expect(value == nil)
        releaser.finish()
    }

    struct Failure: Error {}

    @Test func anErrorOfTheWorkIsThrown() async {
        await #expect(throws: Failure.self) {
            try await TimeLimit.wait(.seconds(10)) { () async throws -> Int in throw Failure() }
        }
    }
}

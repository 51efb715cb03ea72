import ApplianceKit
import Testing

@Suite("Unknown command")
struct UnknownCommandTests {
    private let commands = ["run", "broker", "status", "help"]

    @Test func aFirstWordThatNamesNoCommandIsUnknown() {
        #expect(UnknownCommand(arguments: ["stauts", "--help"], commands: commands)?.word == "stauts")
        #expect(UnknownCommand(arguments: ["foo"], commands: commands)?.word == "foo")
    }

    @Test func commandsOptionsAndNothingAreNotUnknown() {
        #expect(UnknownCommand(arguments: [], commands: commands) == nil)
        #expect(UnknownCommand(arguments: ["status", "--help"], commands: commands) == nil)
        #expect(UnknownCommand(arguments: ["--data-dir", "foo"], commands: commands) == nil)
        #expect(UnknownCommand(arguments: ["-h"], commands: commands) == nil)
        #expect(UnknownCommand(arguments: ["help", "broker"], commands: commands) == nil)
    }

    @Test func theMessageNamesTheWordAndListsTheCommands() throws {
        let unknown = try #require(UnknownCommand(arguments: ["foo"], commands: commands))
        let message = unknown.message(program: "aseed", commands: [("run", "Run it."), ("status", "Show it.")])
        #expect(
            message == """
                error: unknown command 'foo'

                Commands:
                  run     Run it.
                  status  Show it.

                See 'aseed help <command>' for a command's options.

                """
        )
    }
}

/// A first word on the command line that names no command (`aseed stauts`).
///
/// `aseed` runs `aseed run` when no command is given, so without this check a mistyped
/// command would be taken as an argument of `run`: `aseed stauts --help` would show the
/// appliance's options as if they were the command's. A command line that starts with an
/// option (`aseed --data-dir /srv`) or is empty still means `aseed run`.
public struct UnknownCommand: Error, Equatable {
    /// The word that names no command.
    public let word: String

    /// The exit status of a command line naming no command: `EX_USAGE`, as for any
    /// command-line error.
    public static let exitStatus: Int32 = 64

    /// The unknown command of `arguments` (without the program's name), if its first word
    /// is not an option and not one of `commands`.
    public init?(arguments: [String], commands: [String]) {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first) else { return nil }
        word = first
    }

    /// What to tell the user: the word, then each command with its summary.
    ///
    /// - Parameters:
    ///   - program: the executable's name (`aseed`).
    ///   - commands: each command's name and one-line summary, in the order to list them.
    public func message(program: String, commands: [(name: String, abstract: String)]) -> String {
        let width = commands.map(\.name.count).max() ?? 0
        let lines = commands.map { command in
            "  " + command.name + String(repeating: " ", count: width - command.name.count) + "  " + command.abstract
        }
        return """
            error: unknown command '\(word)'

            Commands:
            \(lines.joined(separator: "\n"))

            See '\(program) help <command>' for a command's options.

            """
    }
}

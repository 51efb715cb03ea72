/// Why a TOML document could not be read, and where: written for the teacher who wrote the
/// file, so the message is a plain sentence saying what to change.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the document where the problem was found. For a string, array or
    /// inline table that is never closed it is the line where it opens, which is where to look.
    public var line: Int
    /// What is wrong, as a sentence without a final period (`a string is not closed`).
    public var message: String

    /// An error for `line` (1-based) of a document.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// `line N: message`, ready to show as is.
    public var description: String { "line \(line): \(message)" }
}

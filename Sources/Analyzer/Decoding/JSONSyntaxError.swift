/// Where and why a value is not JSON. Thrown by `JSONScanner` (typed throws, so no allocation
/// or existential box); turned into an `invalid-json` detail only when a record is rejected.
struct JSONSyntaxError: Error {
    /// What is wrong, e.g. "unexpected byte".
    let problem: StaticString
    /// Byte offset in the value where the scanner noticed it.
    let offset: Int

    /// The detail of the `invalid-json` verdict.
    var detail: String { "\(problem) at offset \(offset)" }
}

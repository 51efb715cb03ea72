import Common
import FoundationEssentials
import Logging
import Testing

@testable import Dashboard

@Suite("A class's lab, checked and kept")
struct LabSessionTests {
    static let lab = """
        id = "one"
        title = "One"

        [[step]]
        id = "connect"
        title = "Connect"
        goal = "connect"

        [[step]]
        id = "orders"
        title = "200 records in orders"
        goal = "produce"
        topic = "orders"
        count = 200
        """

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aseed-labs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path + "/archive", withIntermediateDirectories: true)
        return path
    }

    @Test func stepsSeenDoneAreKeptAcrossARestartAndArchivedByTheNextLab() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "test")
        let session = LabSession(directory: directory, console: FakeConsole(), logger: logger)
        #expect(await session.current == nil)
        try await session.start(try Lab(toml: Self.lab), nowMillis: 1_000)
        let done = await session.check(nowMillis: 2_000)
        // FakeWire's clients: alice (a login) and a client id full of markup; orders has 303 records.
        let students = ["<img src=x onerror=alert(1)>", "alice"]
        #expect(Set(done.map(\.0)) == Set(students))
        #expect(done.count == 4)
        #expect(await session.check(nowMillis: 3_000).isEmpty)

        let again = LabSession(directory: directory, console: nil, logger: logger)
        let current = try #require(await again.current)
        #expect(current.lab.id == "one" && current.progress.startedAtMillis == 1_000)
        #expect(current.progress.names == students)
        #expect(current.progress.doneAt("orders", for: "alice") == 2_000)

        try await again.start(try Lab(toml: Self.lab.replacing("id = \"one\"", with: "id = \"two\"")), nowMillis: 5_000)
        #expect(FileManager.default.fileExists(atPath: directory + "/archive/one-1000.json"))
        #expect(await again.current?.progress.students.isEmpty == true)
    }

    @Test func anAnswerGivenWhileARoundReadsTheBrokerIsKept() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let snapshot = TestSnapshots.make()
        let leader = try #require(snapshot.topProducts.first { $0.span == .all }?.byRevenue.first)
        let session = LabSession(
            directory: directory,
            console: FakeConsole(topicsDelay: .milliseconds(300)),
            latestSnapshot: { snapshot },
            logger: Logger(label: "test")
        )
        let lab =
            Self.lab
            + "\n[[step]]\nid = \"top\"\ntitle = \"Top\"\ngoal = \"top-product\"\nspan = \"all\"\nby = \"revenue\"\n"
        try await session.start(try Lab(toml: lab), nowMillis: 1_000)
        let round = Task { await session.check(nowMillis: 2_000) }
        try await Task.sleep(for: .milliseconds(100))
        let verdict = try await session.answer(leader.productID, step: "top", student: "alice", nowMillis: 1_500)
        #expect(verdict.correct)
        _ = await round.value
        let progress = try #require(await session.current?.progress)
        #expect(progress.doneAt("top", for: "alice") == 1_500)
        #expect(progress.doneAt("connect", for: "alice") == 2_000)
    }

    @Test func aRoundUnderwayWhenTheLabStartsAgainLeavesTheNewClassAlone() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = LabSession(
            directory: directory,
            console: FakeConsole(topicsDelay: .milliseconds(300), wire: ClassGoneWire()),
            logger: Logger(label: "test")
        )
        try await session.start(try Lab(toml: Self.lab), nowMillis: 1_000)
        // The round sees alice, whose client closed at 1_500, while the lab starts again at
        // 2_000 for a new class: she belongs to the class before.
        let round = Task { await session.check(nowMillis: 1_800) }
        try await Task.sleep(for: .milliseconds(100))
        try await session.restartForNewClass(nowMillis: 2_000)
        _ = await round.value
        #expect(await session.current?.progress.names == [])
        #expect(await session.check(nowMillis: 2_500).isEmpty)
        #expect(await session.current?.progress.names == [])
    }

    @Test func aLabFileThatCannotBeReadStartsNoLab() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileBytes.write(Array("{not json".utf8), atomicallyTo: directory + "/current.json")
        let session = LabSession(directory: directory, console: FakeConsole(), logger: Logger(label: "test"))
        #expect(await session.current == nil)
        #expect(await session.check().isEmpty)
    }
}

/// A broker whose one client, alice's, closed at 1_500.
private struct ClassGoneWire: BrokerWireView {
    func connections() -> [ConsoleConnection]? { [] }

    func closedConnections() -> [ConsoleConnection] {
        [
            ConsoleConnection(
                address: "10.0.0.5:51000",
                listener: "PLAINTEXT",
                principal: "User:ANONYMOUS",
                clientID: "alice",
                clientSoftware: nil,
                connectedAtMillis: 1_200,
                requests: ["Produce": 1],
                closedAtMillis: 1_500
            )
        ]
    }

    func requests(of id: Int, after sequence: Int) -> ConsoleRequestStream? { nil }
    func request(of id: Int, sequence: Int) -> ConsoleRequest? { nil }
    func groupMoments() -> [String: [ConsoleGroupMoment]] { [:] }
    func advertisedAddresses() -> [AdvertisedAddress] { [] }
}

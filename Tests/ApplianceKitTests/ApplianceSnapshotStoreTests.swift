import Dashboard
import Testing

@testable import ApplianceKit

#if canImport(Glibc)
import Glibc
#endif

@Suite("Appliance snapshots: the state's files copied under a name, put back whole")
struct ApplianceSnapshotStoreTests {
    /// A data directory with a broker's and an analyzer's files, as they are between runs.
    static func dataDirectory() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        for path in ["/topics", "/topics/orders-0", "/analyzer", "/dashboard"] {
            createDirectory(directory.path + path)
        }
        TemporaryDirectory.write("segment 1", to: directory.path + "/topics/orders-0/00000000000000000000.log")
        TemporaryDirectory.write("metadata 1", to: directory.path + "/metadata.sqlite")
        TemporaryDirectory.write("shared memory", to: directory.path + "/metadata.sqlite-shm")
        TemporaryDirectory.write("", to: directory.path + "/.clean-shutdown")
        TemporaryDirectory.write("checkpoint 1", to: directory.path + "/analyzer/checkpoint.sqlite")
        TemporaryDirectory.write("token", to: directory.path + "/dashboard/admin-token")
        return directory
    }

    static func createDirectory(_ path: String) {
        _ = path.withCString { mkdir($0, 0o755) }
    }

    static func manifest(_ name: String) -> ApplianceSnapshotStore.Manifest {
        let position = SimulatorPosition(seed: 5, runID: "TABC12XY", firstSequence: 1, nextSequence: 42)
        return .init(
            summary: ApplianceSnapshotSummary(
                name: name,
                savedAtMillis: 1_700_000_000_000,
                bytes: 0,
                topics: [.init(name: "orders", endOffsets: [7])],
                simulatorSeed: 5,
                simulatorNextSequence: 42,
                hasAnalyzerCheckpoint: true
            ),
            simulator: position
        )
    }

    @Test func aRestoreGivesBackTheFilesSavedAndDropsWhatCameAfter() throws {
        let data = Self.dataDirectory()
        let store = ApplianceSnapshotStore(dataDirectory: data.path)
        let saved = try store.save(Self.manifest("lesson-1"))
        #expect(saved.bytes > 0)
        #expect(TemporaryDirectory.names(in: data.path + "/snapshots") == ["lesson-1"])
        #expect(
            TemporaryDirectory.names(in: data.path + "/snapshots/lesson-1")
                == [".clean-shutdown", "analyzer", "metadata.sqlite", "snapshot.json", "topics"]
        )

        // The class goes on: the files change, a topic is made, the checkpoint goes.
        TemporaryDirectory.write("segment 2", to: data.path + "/topics/orders-0/00000000000000000000.log")
        Self.createDirectory(data.path + "/topics/lab-0")
        TemporaryDirectory.write("metadata 2", to: data.path + "/metadata.sqlite")
        TemporaryDirectory.write("wal 2", to: data.path + "/metadata.sqlite-wal")
        unlink(data.path + "/analyzer/checkpoint.sqlite")

        try store.restore("lesson-1")
        #expect(TemporaryDirectory.names(in: data.path + "/topics") == ["orders-0"])
        #expect(TemporaryDirectory.read(data.path + "/topics/orders-0/00000000000000000000.log") == "segment 1")
        #expect(TemporaryDirectory.read(data.path + "/metadata.sqlite") == "metadata 1")
        #expect(TemporaryDirectory.read(data.path + "/analyzer/checkpoint.sqlite") == "checkpoint 1")
        // A WAL and shared memory of the state replaced do not outlive it.
        #expect(
            TemporaryDirectory.names(in: data.path)
                == [".clean-shutdown", "analyzer", "dashboard", "metadata.sqlite", "snapshots", "topics"]
        )
        #expect(TemporaryDirectory.read(data.path + "/dashboard/admin-token") == "token")
        #expect(TemporaryDirectory.names(in: data.path + "/snapshots") == ["lesson-1"])
        #expect(
            try store.manifest(of: "lesson-1")
                == {
                    var m = Self.manifest("lesson-1")
                    m.summary.bytes = saved.bytes
                    return m
                }()
        )
    }

    @Test func namesTakenUnknownOrUnsafeAreRefused() throws {
        let data = Self.dataDirectory()
        let store = ApplianceSnapshotStore(dataDirectory: data.path)
        _ = try store.save(Self.manifest("a"))
        let taken = #expect(throws: DashboardRequestError.self) { try store.save(Self.manifest("a")) }
        #expect(taken?.kind == .conflict)
        for name in ["", "../a", ".hidden", "a/b", "with space", String(repeating: "x", count: 65)] {
            let refused = #expect(throws: DashboardRequestError.self) { try store.checkSave(name) }
            #expect(refused?.kind == .invalid, "\(name)")
        }
        let unknown = #expect(throws: DashboardRequestError.self) { try store.restore("b") }
        #expect(unknown?.kind == .notFound)
        #expect(unknown?.message.contains("no snapshot 'b'") == true)
        try store.delete("a")
        #expect(store.list().isEmpty)
        #expect(throws: DashboardRequestError.self) { try store.delete("a") }
    }

    @Test func theListIsOldestFirstAndLeavesOutUnfinishedSaves() throws {
        let data = Self.dataDirectory()
        let store = ApplianceSnapshotStore(dataDirectory: data.path)
        var later = Self.manifest("later")
        later.summary.savedAtMillis += 1
        _ = try store.save(later)
        _ = try store.save(Self.manifest("earlier"))
        Self.createDirectory(data.path + "/snapshots/.saving-broken")
        #expect(store.list().map(\.name) == ["earlier", "later"])
    }
}

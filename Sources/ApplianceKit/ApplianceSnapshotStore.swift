import Common
import Dashboard
import FoundationEssentials

/// Named copies of the appliance's state under `<data-dir>/snapshots/NAME/`: the broker's
/// topics and metadata (offsets, groups, configs, users and ACLs), the analyzer's checkpoint,
/// and `snapshot.json` (what is in it, and the simulator's position). It only copies files:
/// the caller stops the components that write them first (`ApplianceStatus+Classroom`).
///
/// A snapshot is written as `.saving-NAME` and renamed when complete, so a failed save leaves
/// no half snapshot; a restore moves the state it replaces to `.replaced-NAME` and puts it back
/// when the copy fails.
struct ApplianceSnapshotStore {
    /// What `snapshot.json` holds.
    struct Manifest: Codable, Equatable {
        var summary: ApplianceSnapshotSummary
        var simulator: SimulatorPosition?
    }

    /// The broker's files and the analyzer's, relative to the data directory. SQLite's shared
    /// memory files are left out: SQLite makes them again from the database and its WAL.
    /// Snapshots saved before the transaction state log hold its content in the database.
    static let items = [
        "topics", "metadata.sqlite", "metadata.sqlite-wal", "transaction-state.log", ".clean-shutdown",
        analyzerCheckpoint, analyzerCheckpoint + "-wal",
    ]
    /// The analyzer's checkpoint, where `aseed run` keeps it (`AnalyzerOptions`).
    static let analyzerCheckpoint = "analyzer/checkpoint.sqlite"
    /// Files that go with the items and must not outlive them (made again from them).
    static let derived = ["metadata.sqlite-shm", analyzerCheckpoint + "-shm"]
    static let manifestName = "snapshot.json"
    /// Room a save leaves on the disk beyond the copy, so the broker can go on writing.
    static let spareBytes: Int64 = 64 << 20

    let dataDirectory: String
    var directory: String { dataDirectory + "/snapshots" }

    /// The snapshots, oldest first; unreadable ones are left out.
    func list() -> [ApplianceSnapshotSummary] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.compactMap { try? manifest(of: $0).summary }
            .sorted { ($0.savedAtMillis, $0.name) < ($1.savedAtMillis, $1.name) }
    }

    /// What the snapshot `name` holds.
    ///
    /// - Throws: `DashboardRequestError` (`notFound`) when there is no such snapshot.
    func manifest(of name: String) throws -> Manifest {
        try Self.check(name)
        let path = "\(directory)/\(name)/\(Self.manifestName)"
        guard let bytes = try? FileBytes.read(atPath: path) else {
            throw DashboardRequestError(
                .notFound,
                "no snapshot '\(name)': see GET /api/class/snapshots for those saved"
            )
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch {
            throw DashboardRequestError(.conflict, "snapshot '\(name)' cannot be read (\(path): \(error))")
        }
    }

    /// Refuses a name taken, or for which the disk has no room, before anything stops.
    func checkSave(_ name: String) throws {
        try Self.check(name)
        if FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
            throw DashboardRequestError(
                .conflict,
                "a snapshot '\(name)' exists: delete it first or choose another name"
            )
        }
        let needed = Self.items.reduce(Int64(0)) { $0 + DiskUsage.bytes(under: "\(dataDirectory)/\($1)") }
        let free = DiskUsage.freeBytes(at: dataDirectory)
        if needed + Self.spareBytes > free {
            throw DashboardRequestError(
                .conflict,
                """
                not enough disk space for a snapshot: it needs \(DiskUsage.describe(needed)) and \
                \(DiskUsage.describe(free)) are free; delete old snapshots or truncate topics
                """
            )
        }
    }

    /// Copies the state into the snapshot `manifest` names; its size is filled in.
    func save(_ manifest: Manifest) throws -> ApplianceSnapshotSummary {
        let name = manifest.summary.name
        try checkSave(name)
        let partial = "\(directory)/.saving-\(name)"
        let manager = FileManager.default
        try? manager.removeItem(atPath: partial)
        do {
            try manager.createDirectory(atPath: partial + "/analyzer", withIntermediateDirectories: true)
            try copyItems(from: dataDirectory, to: partial)
            var manifest = manifest
            manifest.summary.bytes = DiskUsage.bytes(under: partial)
            try FileBytes.write(
                Array(try JSONEncoder().encode(manifest)),
                atomicallyTo: partial + "/" + Self.manifestName
            )
            try FileBytes.move(partial, to: "\(directory)/\(name)")
            return manifest.summary
        } catch {
            try? manager.removeItem(atPath: partial)
            throw DashboardRequestError(.unavailable, "snapshot '\(name)' could not be saved: \(error)")
        }
    }

    /// Puts the snapshot `name`'s files in place of the state's; the state before is put back
    /// when that fails.
    func restore(_ name: String) throws {
        // Never move the state away for a snapshot that is not there.
        _ = try manifest(of: name)
        let source = "\(directory)/\(name)"
        let replaced = "\(directory)/.replaced-\(name)"
        let manager = FileManager.default
        try? manager.removeItem(atPath: replaced)
        do {
            try manager.createDirectory(atPath: replaced + "/analyzer", withIntermediateDirectories: true)
            try moveItems(from: dataDirectory, to: replaced)
            for item in Self.derived { try? manager.removeItem(atPath: "\(dataDirectory)/\(item)") }
        } catch {
            try? moveItems(from: replaced, to: dataDirectory)
            throw DashboardRequestError(.unavailable, "snapshot '\(name)' could not be restored: \(error)")
        }
        do {
            try copyItems(from: source, to: dataDirectory)
        } catch {
            for item in Self.items { try? manager.removeItem(atPath: "\(dataDirectory)/\(item)") }
            try? moveItems(from: replaced, to: dataDirectory)
            throw DashboardRequestError(
                .unavailable,
                "snapshot '\(name)' could not be restored (the state before is back): \(error)"
            )
        }
        try? manager.removeItem(atPath: replaced)
    }

    /// Deletes the snapshot `name`.
    func delete(_ name: String) throws {
        _ = try manifest(of: name)
        do {
            try FileManager.default.removeItem(atPath: "\(directory)/\(name)")
        } catch {
            throw DashboardRequestError(.unavailable, "snapshot '\(name)' could not be deleted: \(error)")
        }
    }

    /// Copies each item present under `source` to `target` (the data directory, or a snapshot).
    private func copyItems(from source: String, to target: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: target + "/analyzer", withIntermediateDirectories: true)
        for item in Self.items where manager.fileExists(atPath: "\(source)/\(item)") {
            try manager.copyItem(atPath: "\(source)/\(item)", toPath: "\(target)/\(item)")
        }
    }

    /// Moves each item present under `source` to `target` (renames within one file system).
    private func moveItems(from source: String, to target: String) throws {
        let manager = FileManager.default
        for item in Self.items where manager.fileExists(atPath: "\(source)/\(item)") {
            try manager.moveItem(atPath: "\(source)/\(item)", toPath: "\(target)/\(item)")
        }
    }

    /// A snapshot's name: letters, digits, `.`, `_` and `-`, up to 64, not starting with `.`.
    static func check(_ name: String) throws(DashboardRequestError) {
        let allowed = name.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, !name.hasPrefix(".") else {
            throw DashboardRequestError(
                .invalid,
                "a snapshot's name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.': '\(name)' is not"
            )
        }
    }
}

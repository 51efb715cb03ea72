import Testing

@testable import MiniBroker

/// The index writes its entries in groups (at a sync, at close, or every `pendingLimit`
/// entries); until then they serve lookups from memory, and a file without them still loads.
@Suite("Sparse index: entries reach the file in groups")
struct SparseIndexTests {
    private typealias Index = SparseIndex<OffsetIndexEntry>

    private func entry(_ number: Int) -> OffsetIndexEntry {
        OffsetIndexEntry(relativeOffset: UInt32(number * 10), position: UInt32(number * 4096))
    }

    private func fileEntries(_ path: String) throws -> [OffsetIndexEntry] {
        var index = try Index(path: path, readOnly: true)
        #expect(try index.load(logSize: Int(UInt32.max)))
        return index.entries
    }

    /// Runs `body` with a new index file's path in a temporary directory.
    private func withIndexFile(_ body: (String) throws -> Void) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try body(directory.path + "/00000000000000000000.index")
    }

    @Test func appendsWaitInMemoryUntilASync() throws {
        try withIndexFile { path in
            var index = try Index(path: path)
            for number in 1...3 { try index.append(entry(number)) }
            #expect(index.pendingCount == 3)
            #expect(try fileEntries(path).isEmpty)
            #expect(index.lastEntry(atOrBelow: 25) == entry(2))

            try index.sync()
            #expect(index.pendingCount == 0)
            #expect(try fileEntries(path) == [entry(1), entry(2), entry(3)])
            index.close()
        }
    }

    @Test func theLimitWritesThemWithoutASync() throws {
        try withIndexFile { path in
            var index = try Index(path: path)
            for number in 1..<Index.pendingLimit { try index.append(entry(number)) }
            #expect(try fileEntries(path).isEmpty)
            try index.append(entry(Index.pendingLimit))
            #expect(try fileEntries(path) == (1...Index.pendingLimit).map(entry))
            try index.append(entry(Index.pendingLimit + 1))
            #expect(try fileEntries(path).count == Index.pendingLimit)
            index.close()
            #expect(try fileEntries(path).count == Index.pendingLimit + 1)
        }
    }

    @Test func aFileMissingTheLastEntriesLoadsAndTakesNewOnes() throws {
        try withIndexFile { path in
            var crashed = try Index(path: path)
            for number in 1...2 { try crashed.append(entry(number)) }
            try crashed.sync()
            try crashed.append(entry(3))  // not written: the process dies here

            var reopened = try Index(path: path)
            #expect(try reopened.load(logSize: Int(UInt32.max)))
            #expect(reopened.entries == [entry(1), entry(2)])
            try reopened.append(entry(4))
            try reopened.sync()
            #expect(try fileEntries(path) == [entry(1), entry(2), entry(4)])
            #expect(reopened.lastEntry(atOrBelow: 35) == entry(2))
        }
    }

    @Test func truncatingCutsPendingEntriesInMemoryAndWrittenOnesOnDisk() throws {
        try withIndexFile { path in
            var index = try Index(path: path)
            for number in 1...2 { try index.append(entry(number)) }
            try index.sync()
            try index.append(entry(3))
            try index.truncate(toCount: 2)
            #expect(index.entries == [entry(1), entry(2)])
            try index.truncate(toCount: 1)
            #expect(try fileEntries(path) == [entry(1)])
            try index.append(entry(5))
            index.close()
            #expect(try fileEntries(path) == [entry(1), entry(5)])
        }
    }
}

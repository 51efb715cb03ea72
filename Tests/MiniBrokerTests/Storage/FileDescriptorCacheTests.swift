import Testing

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

@Suite("File descriptor cache: files stay usable with few descriptors open")
struct FileDescriptorCacheTests {
    @Test func manyFilesThroughASmallCacheKeepTheirContents() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let cache = FileDescriptorCache(capacity: 8)
        let files = try (0..<100).map { try SegmentFile(path: "\(directory.path)/f\($0)", cache: cache) }
        for (index, file) in files.enumerated() {
            var value = Int32(index).bigEndian
            try withUnsafeBytes(of: &value) { try file.write($0, at: 0) }
        }
        #expect(cache.openCount <= 8)
        for (index, file) in files.enumerated().reversed() {
            #expect(try file.readInt32(at: 0) == Int32(index))
            #expect(try file.size() == 4)
        }
        #expect(cache.openCount <= 8)
    }

    @Test func aFileInUseIsNotClosedUnderItsUser() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let cache = FileDescriptorCache(capacity: 2)
        let held = try SegmentFile(path: directory.path + "/held", cache: cache)
        try held.withDescriptor { descriptor in
            // Other files come and go while `held` is checked out: its descriptor stays valid.
            for index in 0..<10 { _ = try SegmentFile(path: "\(directory.path)/other\(index)", cache: cache).size() }
            #expect(fcntl(descriptor, F_GETFD) >= 0)
        }
    }

    @Test func aReopenedFileIsNotRecreatedOnceDeleted() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let cache = FileDescriptorCache(capacity: 4)
        let file = try SegmentFile(path: directory.path + "/gone", cache: cache)
        file.close()
        try FileSystem.removeFile(file.path)
        #expect(throws: StorageError.self) { try file.size() }
        #expect(!FileSystem.fileExists(file.path))
    }

    @Test func closingAFileReleasesItsDescriptor() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let cache = FileDescriptorCache(capacity: 4)
        let file = try SegmentFile(path: directory.path + "/a", cache: cache)
        #expect(cache.openCount == 1)
        file.close()
        #expect(cache.openCount == 0)
        #expect(try file.size() == 0)
        #expect(cache.openCount == 1)
    }
}

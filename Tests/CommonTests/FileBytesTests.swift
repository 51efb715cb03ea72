import Foundation
import Testing

@testable import Common

@Suite("Whole files read and written")
struct FileBytesTests {
    @Test func readsFilesLargerThanOneChunk() throws {
        let path = NSTemporaryDirectory() + "filebytes-\(UInt64.random(in: 0...UInt64.max)).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try FileBytes.read(atPath: path) == bytes)
    }

    @Test func missingFileSaysWhatFailed() {
        #expect {
            try FileBytes.read(atPath: "/nonexistent/file.csv")
        } throws: { error in
            guard let error = error as? FileError else {
                return false
            }
            return error.operation == .open && error.reason == "No such file or directory"
                && error.description == "cannot open '/nonexistent/file.csv': No such file or directory"
        }
    }

    @Test func writesReplaceTheFileWholeAndMovesRename() throws {
        let path = NSTemporaryDirectory() + "filebytes-\(UInt64.random(in: 0...UInt64.max)).json"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".old")
        }
        try FileBytes.write(Array("first".utf8), atomicallyTo: path)
        try FileBytes.write(Array("second".utf8), atomicallyTo: path)
        #expect(try FileBytes.read(atPath: path) == Array("second".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        try FileBytes.move(path, to: path + ".old")
        #expect(try FileBytes.read(atPath: path + ".old") == Array("second".utf8))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect {
            try FileBytes.write([1], atomicallyTo: "/nonexistent/dir/file.json")
        } throws: { error in
            (error as? FileError)?.description
                == "cannot create '/nonexistent/dir/file.json.tmp': No such file or directory"
        }
    }
}

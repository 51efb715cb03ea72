import Foundation
import Testing

@testable import Common

@Suite("Whole-file reads")
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
            guard let error = error as? FileReadError else {
                return false
            }
            return error.operation == .open && error.reason == "No such file or directory"
                && error.description == "cannot open '/nonexistent/file.csv': No such file or directory"
        }
    }
}

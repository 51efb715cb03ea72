import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Whole record batches as a region of a segment file, with a descriptor of its own, so the
/// bytes can go from the page cache to the socket with sendfile (NIO `FileRegion`) instead of
/// being copied through the broker's memory.
public struct FileSlice: Sendable {
    /// An owned descriptor (a dup of the segment's), -1 for an empty slice.
    public let descriptor: Int32
    public let position: Int
    public let length: Int

    /// No bytes.
    public static let empty = FileSlice(descriptor: -1, position: 0, length: 0)

    init(descriptor: Int32, position: Int, length: Int) {
        self.descriptor = descriptor
        self.position = position
        self.length = length
    }

    /// The region to write, or nil for an empty slice. The handle takes over the descriptor:
    /// close it once the write completed (or failed).
    public func fileRegion() -> FileRegion? {
        guard descriptor >= 0, length > 0 else {
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            return nil
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        return FileRegion(fileHandle: handle, readerIndex: position, endIndex: position + length)
    }

    /// Closes the descriptor of a slice that will not be sent.
    public func discard() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }
}

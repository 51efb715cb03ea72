import CLZ4
import Synchronization

/// A few LZ4 frame decompression contexts kept for reuse.
///
/// A context allocates its block buffers (about 128 KiB for 64 KiB blocks) on the first frame
/// it reads. A context made and freed per batch sent those allocations through malloc each
/// time, and glibc handed the memory back to the kernel and faulted it in again: on a broker
/// taking many small lz4 batches that cost more CPU than the decompression itself. A reused
/// context keeps its buffers.
enum LZ4DecompressionContexts {
    /// More than the event loop threads that decompress at once; extra contexts are freed.
    private static let kept = 16
    private static let idle = Mutex<[UInt]>([])

    /// Runs `body` with a context in its initial state, and keeps the context afterwards.
    static func with<Result>(_ body: (OpaquePointer) throws -> Result) throws -> Result {
        let context = try checkOut()
        defer { checkIn(context) }
        return try body(context)
    }

    private static func checkOut() throws -> OpaquePointer {
        if let address = idle.withLock({ $0.popLast() }), let context = OpaquePointer(bitPattern: address) {
            return context
        }
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else {
            throw CompressionError.library(.lz4, "cannot create an LZ4 decompression context")
        }
        return context
    }

    /// A context may come back mid-frame (a corrupt or truncated input): reset, it reads the
    /// next frame from its start.
    private static func checkIn(_ context: OpaquePointer) {
        LZ4F_resetDecompressionContext(context)
        let address = UInt(bitPattern: context)
        let stored = idle.withLock { contexts in
            guard contexts.count < kept else { return false }
            contexts.append(address)
            return true
        }
        if !stored { LZ4F_freeDecompressionContext(context) }
    }
}

#if canImport(CMalloc)
import CMalloc
#endif

/// Tuning of glibc's allocator for a broker that moves multi-megabyte buffers.
enum MemoryAllocator {
    /// By default glibc serves allocations above 128 KiB-32 MiB (adapting) with fresh mmap
    /// calls and returns them on free, so every Fetch response paid for page faults and
    /// zeroed pages: a third of the broker's CPU when consuming. Serving them from the heap
    /// and keeping freed memory for reuse removes that; the heap then holds about what the
    /// largest concurrent fetches needed.
    static func keepLargeBuffersInHeap() {
        #if canImport(CMalloc)
        _ = mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024)
        _ = mallopt(M_TRIM_THRESHOLD, 128 * 1024 * 1024)
        #endif
    }
}

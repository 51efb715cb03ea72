/// Memory an `OrderDecoder` reuses from record to record, so that decoding allocates nothing
/// once it has seen its largest record: the slots of the eight order fields, the stack of open
/// brackets for skipping nested unknown values, and the scratch bytes that unescaped strings
/// are written to.
///
/// A class so that pointers into the scratch bytes can outlive the `decode` call that made
/// them (until the next one), which an array inside a struct cannot promise.
final class DecoderStorage {
    /// One slot per `OrderField`, indexed by its raw value.
    let slots: UnsafeMutablePointer<FieldSlot>
    /// Opening brackets of the containers being skipped, innermost last.
    private(set) var nesting: UnsafeMutablePointer<UInt8>
    private(set) var nestingCapacity: Int
    /// Unescaped string bytes of the current record.
    private(set) var scratch: UnsafeMutableRawPointer
    private var scratchCapacity: Int
    /// Bytes of `scratch` in use by the current record.
    private var scratchUsed = 0
    /// Whether `scratch` has been made large enough for the current record.
    private var scratchSized = false

    init() {
        slots = .allocate(capacity: OrderField.count)
        slots.initialize(repeating: FieldSlot(), count: OrderField.count)
        nestingCapacity = 64
        nesting = .allocate(capacity: nestingCapacity)
        scratchCapacity = 1024
        scratch = .allocate(byteCount: scratchCapacity, alignment: 8)
    }

    deinit {
        slots.deinitialize(count: OrderField.count)
        slots.deallocate()
        nesting.deallocate()
        scratch.deallocate()
    }

    /// Forgets the previous record: empty slots, empty scratch.
    @inline(__always)
    func reset() {
        slots.update(repeating: FieldSlot(), count: OrderField.count)
        scratchUsed = 0
        scratchSized = false
    }

    /// Doubles the bracket stack (only for values nested more than 64 deep).
    func growNesting() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: nestingCapacity * 2)
        larger.update(from: nesting, count: nestingCapacity)
        nesting.deallocate()
        nesting = larger
        nestingCapacity *= 2
    }

    /// Unescapes a string of the current record into the scratch bytes and returns them.
    ///
    /// The scratch grows only before its first use in a record, to the record's size, which
    /// bounds everything unescaped from it, so bytes handed out earlier for the same record
    /// never move.
    func unescape(_ content: UnsafeRawBufferPointer, recordSize: Int) -> UnsafeRawBufferPointer {
        if !scratchSized {
            if scratchCapacity < recordSize {
                scratch.deallocate()
                scratchCapacity = max(recordSize, scratchCapacity * 2)
                scratch = .allocate(byteCount: scratchCapacity, alignment: 8)
            }
            scratchSized = true
        }
        let start = scratch + scratchUsed
        let count = JSONUnescaper.unescape(content, into: start)
        scratchUsed += count
        return UnsafeRawBufferPointer(start: start, count: count)
    }

    /// Gives back the scratch bytes of the last `unescape` (a key, only needed to be matched).
    func release(_ bytes: UnsafeRawBufferPointer) {
        scratchUsed -= bytes.count
    }
}

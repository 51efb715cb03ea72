/// Appends checkpoint fields as little-endian bytes. The layout is private to the analyzer
/// and versioned (`CheckpointStore.formatVersion`); it is not meant for other readers.
struct CheckpointWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func int64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int128(_ value: Int128) {
        int64(Int64(truncatingIfNeeded: value))
        int64(Int64(truncatingIfNeeded: value >> 64))
    }

    mutating func count(_ value: Int) {
        int64(Int64(value))
    }

    mutating func bool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    mutating func string(_ value: String) {
        count(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func byteArray(_ value: [UInt8]) {
        count(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func sums(_ value: OrderSums) {
        int64(value.orders)
        int64(value.units)
        int128(value.revenueMicros)
    }
}

import CCRC32C
import NIOCore

/// CRC-32C (Castagnoli), the checksum of RecordBatch v2.
public enum CRC32C {
    /// Checksum of the readable bytes of `buffer`.
    public static func checksum(_ buffer: ByteBuffer) -> UInt32 {
        buffer.withUnsafeReadableBytes { update(0, $0) }
    }

    /// Checksum of a byte sequence.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        Array(bytes).withUnsafeBytes { update(0, $0) }
    }

    /// Extends `crc` over `bytes`; start from 0.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        aseed_crc32c_update(crc, bytes.baseAddress, bytes.count)
    }

    /// Whether the SSE4.2 instruction is used on this CPU.
    public static var isHardwareAccelerated: Bool { aseed_crc32c_is_hardware() != 0 }
}

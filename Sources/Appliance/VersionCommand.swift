import ArgumentParser
import KafkaWire

/// `aseed version`: prints the version and the build's notable capabilities.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of aseed."
    )

    func run() {
        print("aseed \(ASEEDVersion.current)")
        print("crc32c: \(CRC32C.isHardwareAccelerated ? "sse4.2" : "software")")
    }
}

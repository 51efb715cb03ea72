import ArgumentParser
import KafkaWire

#if canImport(Glibc)
import ApplianceKit
import Glibc
#endif

/// `aseed produce`: a console producer, like kafka-console-producer: one record per line of
/// standard input.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Send lines of standard input as records to a topic.",
        discussion:
            """
            Each line is one record. With --key-separator the text before the first separator is the key. Ends at \
            end of input, after every record is acknowledged.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "The topic. Default: orders")
    var topic = "orders"

    @Option(
        help: ArgumentHelp(
            "Split each line into key and value at the first occurrence of this text.",
            valueName: "text"
        )
    )
    var keySeparator: String?

    @Option(help: "Compression: lz4, gzip, zstd, snappy or none. Default: lz4")
    var compression = "lz4"

    func run() async throws {
        guard let codec = CompressionCodec(name: compression) else {
            throw ValidationError("--compression: expected lz4, gzip, zstd, snappy or none, got '\(compression)'")
        }
        if let keySeparator, keySeparator.isEmpty { throw ValidationError("--key-separator must not be empty") }
        let settings = try cluster.settings()
        let servers = try cluster.servers(settings)
        var configuration = KafkaProducerConfiguration(bootstrapServers: servers, clientID: "aseed-produce")
        configuration.cluster = try cluster.clusterConfiguration(settings, clientID: "aseed-produce")
        configuration.compression = codec
        let producer = try KafkaProducer(configuration: configuration, logger: cluster.logger)
        var sent = 0
        do {
            try await withCluster(servers) {
                while let line = readLine(strippingNewline: true) {
                    let (key, value) = split(line)
                    try await producer.send(topic: topic, key: key.map { Array($0.utf8) }, value: Array(value.utf8))
                    sent += 1
                }
                try await producer.flush()
            }
        } catch {
            try? await producer.close()
            throw error
        }
        try await producer.close()
        printError("sent \(sent) records to \(topic)")
    }

    private func split(_ line: String) -> (key: String?, value: String) {
        guard let keySeparator else { return (nil, line) }
        let text = Array(line.utf8)
        let separator = Array(keySeparator.utf8)
        guard text.count >= separator.count else { return (nil, line) }
        for start in 0...(text.count - separator.count)
        where text[start..<(start + separator.count)].elementsEqual(separator) {
            return (
                String(decoding: text[..<start], as: UTF8.self),
                String(decoding: text[(start + separator.count)...], as: UTF8.self)
            )
        }
        return (nil, line)
    }
}

/// Writes a line to standard error (progress and summaries, so standard output stays data).
func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

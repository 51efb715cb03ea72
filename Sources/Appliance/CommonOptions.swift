import ArgumentParser

/// Flags shared by the commands that run components (README "Running it"; docs/ARCHITECTURE.md has the module map).
struct CommonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file of 'key = value' lines; keys are the long flag names. Env: ASEED_CONFIG.",
            valueName: "file"
        )
    )
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory for all data: topics, metadata, checkpoints. Env: ASEED_DATA_DIR. Default: ./data",
            valueName: "dir"
        )
    )
    var dataDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory for the component log files (broker.log, ...). Env: ASEED_LOG_DIR. Default: ./logs",
            valueName: "dir"
        )
    )
    var logDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Rotate a component's log file when it passes this size. Env: ASEED_LOG_MAX_BYTES. Default: 10485760 \
            (10 MB)
            """,
            valueName: "bytes"
        )
    )
    var logMaxBytes: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Rotated log files kept per component (broker.log.1 ...). Env: ASEED_LOG_FILES. Default: 3",
            valueName: "n"
        )
    )
    var logFiles: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Address the Kafka listener binds to. Env: ASEED_KAFKA_LISTEN. Default: 0.0.0.0:9092",
            valueName: "host:port"
        )
    )
    var kafkaListen: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Address clients are told to connect to (Metadata, FindCoordinator). Env: ASEED_KAFKA_ADVERTISE. \
            Default: localhost and the listen port
            """,
            valueName: "host:port"
        )
    )
    var kafkaAdvertise: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            PEM certificate (chain) for TLS listeners (SSL, SASL_SSL) and the dashboard's HTTPS, with --tls-key. \
            Default: one the appliance makes at its first start in <data-dir>/tls/certificate.pem
            """,
            valueName: "file"
        )
    )
    var tlsCertificate: String?

    @Option(name: .long, help: ArgumentHelp("PEM private key of --tls-certificate.", valueName: "file"))
    var tlsKey: String?
}

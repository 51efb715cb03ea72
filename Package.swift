// swift-tools-version:6.1
import PackageDescription

/// ASEED: one binary (`aseed`) with a Kafka-compatible broker, an order simulator,
/// a streaming analyzer and a live dashboard. See docs/ARCHITECTURE.md for the module map.
let package = Package(
    name: "aseed",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aseed", targets: ["Appliance"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // No traits: the default FullFoundation and ConfigurationSupport would link full
        // Foundation with ICU (~34 MB) and swift-configuration, which the dashboard does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // Already in the graph through Hummingbird; the dashboard's own channel handlers use its HTTP parts.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0", traits: []),
        // SCRAM's hashes, HMACs and PBKDF2; already in the graph through hummingbird-websocket.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // TLS listeners and HTTPS (BoringSSL, no system OpenSSL), and the certificate the
        // appliance makes for itself; both already in the graph through Hummingbird.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // C shims over system libraries (Debian -dev packages).
        .target(name: "CCRC32C", cSettings: [.unsafeFlags(["-O3"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // A thin Swift wrapper over SQLite: the broker's metadata, the analyzer's checkpoints.
        .target(name: "SQLite", dependencies: ["CSQLite"]),

        // Utilities that are no Kafka concern: UTC timestamps, the wall clock, JSON writing and
        // escaping, whole-file reads. At the bottom of the graph, with no dependencies.
        .target(name: "Common"),

        .target(
            name: "KafkaWire",
            dependencies: [
                "Common", "CCRC32C", "CLZ4", "CZlib", "CZstd", "CSnappy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Client/README.md"]
        ),
        .target(
            name: "MiniBroker",
            dependencies: [
                "Common", "KafkaWire", "SQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Storage/README.md", "Groups/README.md", "Transactions/README.md"]
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "Common", "KafkaWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "Analyzer",
            dependencies: [
                "Common", "KafkaWire", "SQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "Dashboard",
            dependencies: [
                "Analyzer", "Common", "KafkaWire", "SQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["README.md", "Assets"]
        ),
        // The appliance's runtime: supervision, status, settings, logs; the commands use it.
        .target(
            name: "ApplianceKit",
            dependencies: [
                "Common", "MiniBroker", "Simulator", "Analyzer", "Dashboard", "KafkaWire",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "Appliance",
            dependencies: [
                "ApplianceKit", "Common", "MiniBroker", "Simulator", "Analyzer", "Dashboard",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        .testTarget(
            name: "ApplianceKitTests",
            dependencies: [
                "ApplianceKit", "Dashboard", "KafkaWire", "MiniBroker", "Simulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "CommonTests", dependencies: ["Common"]),
        .testTarget(name: "KafkaWireTests", dependencies: ["KafkaWire"], exclude: ["Fixtures"]),
        // The client against a broker: aseed's served in process, Tansu as a foreign process.
        .testTarget(
            name: "ClientBrokerTests",
            dependencies: [
                "KafkaWire", "MiniBroker",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "MiniBrokerTests",
            dependencies: [
                "MiniBroker", "KafkaWire", "SQLite", .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Common", "KafkaWire"]),
        .testTarget(name: "AnalyzerTests", dependencies: ["Analyzer", "KafkaWire", "SQLite"]),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "Analyzer", "Common", "KafkaWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

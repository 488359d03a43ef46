// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-telemetry",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "TelemetryHTTP", targets: ["TelemetryHTTP"]),
        .library(name: "TelemetryOTLPData", targets: ["TelemetryOTLPData"]),
        .library(name: "TelemetryOTLP", targets: ["TelemetryOTLP"]),
        .library(name: "TelemetryExporters", targets: ["TelemetryExporters"]),
        .library(name: "TelemetryConfig", targets: ["TelemetryConfig"]),
        .library(name: "TelemetryIntegration", targets: ["TelemetryIntegration"]),
        .library(name: "TelemetryOTTL", targets: ["TelemetryOTTL"]),
        .library(name: "TelemetryGatewayCore", targets: ["TelemetryGatewayCore"]),
        .library(name: "TelemetryGatewayTransports", targets: ["TelemetryGatewayTransports"]),
        .library(name: "TelemetryGatewayTesting", targets: ["TelemetryGatewayTesting"]),
        .executable(name: "telemetry-gateway", targets: ["TelemetryGateway"]),
        .executable(name: "telemetry-demo", targets: ["TelemetryDemo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    ],
    targets: [
        // MARK: C libraries (Debian packages) and generated protobuf-c code
        .systemLibrary(
            name: "CProtobufC",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CDeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(
            name: "COTLP",
            dependencies: ["CProtobufC"],
            cSettings: [.headerSearchPath("include")]
        ),
        // RE2 (apt: libre2-dev), the linear-time engine of the Collector's regex syntax, behind an
        // `extern "C"` shim so Swift needs no C++ interoperability.
        .target(
            name: "CRE2",
            linkerSettings: [.linkedLibrary("re2")]
        ),

        // MARK: Library modules
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "TelemetryHTTP",
            dependencies: ["Telemetry", "CCurl", "CZlib", "CDeflate"]
        ),
        // The OTLP data layer: the only module that touches protobuf-c.
        .target(
            name: "TelemetryOTLPData",
            dependencies: ["Telemetry", "COTLP", "CProtobufC"]
        ),
        .target(
            name: "TelemetryOTLP",
            dependencies: [
                "Telemetry", "TelemetryHTTP", "TelemetryOTLPData",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "TelemetryExporters",
            dependencies: [
                "Telemetry", "TelemetryHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // The YAML toolkit both configuration formats read with: located nodes, `${VAR}` substitution and
        // errors. The only module that imports Yams.
        .target(
            name: "TelemetryYAML",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "TelemetryConfig",
            dependencies: [
                "Telemetry", "TelemetryHTTP", "TelemetryOTLP", "TelemetryOTLPData", "TelemetryExporters", "TelemetryYAML",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(
            name: "TelemetryIntegration",
            dependencies: [
                "Telemetry", "TelemetryOTLP", "TelemetryConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // OTTL, the OpenTelemetry Transformation Language: parser, printer and evaluator over the editable
        // OTLP model, and the linear-time regular expressions (RE2) it and the gateway's processors use.
        .target(
            name: "TelemetryOTTL",
            dependencies: ["Telemetry", "TelemetryOTLPData", "CRE2"]
        ),

        // MARK: The gateway: a library of components, and a thin command
        .target(
            name: "TelemetryGatewayCore",
            dependencies: [
                "Telemetry", "TelemetryHTTP", "TelemetryOTLP", "TelemetryOTLPData", "TelemetryExporters", "TelemetryConfig", "TelemetryYAML", "TelemetryOTTL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["README.md"]
        ),
        // gRPC and TLS (grpc-swift-2, NIO HTTP/2, BoringSSL) kept out of the core, so the core and its fuzz
        // targets build without them; the gateway command links them.
        .target(
            name: "TelemetryGatewayTransports",
            dependencies: [
                "Telemetry", "TelemetryHTTP", "TelemetryOTLPData", "TelemetryGatewayCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]
        ),
        .target(
            name: "TelemetryGatewayTesting",
            dependencies: [
                "Telemetry", "TelemetryGatewayCore", "TelemetryConfig", "TelemetryOTLPData", "TelemetryOTTL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "TelemetryGateway",
            dependencies: [
                "TelemetryGatewayCore", "TelemetryGatewayTransports", "TelemetryConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "TelemetryDemo",
            dependencies: ["Telemetry", "TelemetryExporters"]
        ),

        // MARK: Tests
        .target(
            name: "TelemetryTestSupport",
            dependencies: [
                "Telemetry", "TelemetryExporters", "TelemetryHTTP", "TelemetryOTLPData", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TelemetryTestSupport"
        ),
        .testTarget(
            name: "COTLPTests",
            dependencies: ["COTLP", "CProtobufC"]
        ),
        .testTarget(
            name: "TelemetryOTLPDataTests",
            dependencies: [
                "Telemetry", "TelemetryOTLPData", "TelemetryTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TelemetryOTTLTests",
            dependencies: [
                "Telemetry", "TelemetryOTTL", "TelemetryOTLPData", "TelemetryTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", "TelemetryTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TelemetryHTTPTests",
            dependencies: ["TelemetryHTTP", "TelemetryTestSupport"]
        ),
        .testTarget(
            name: "TelemetryOTLPTests",
            dependencies: [
                "Telemetry", "TelemetryOTLP", "TelemetryHTTP", "TelemetryTestSupport", "TelemetryGatewayTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TelemetryConfigTests",
            dependencies: ["Telemetry", "TelemetryConfig", "TelemetryOTLP", "TelemetryTestSupport"]
        ),
        .testTarget(
            name: "TelemetryGatewayTests",
            dependencies: [
                "Telemetry", "TelemetryOTLP", "TelemetryOTLPData", "TelemetryHTTP", "TelemetryGatewayCore", "TelemetryConfig",
                "TelemetryGatewayTesting", "TelemetryTestSupport", "TelemetryExporters",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // gRPC and TLS: the transports' own tests, and gateways with them running in the test's process.
        .testTarget(
            name: "TelemetryGatewayTransportsTests",
            dependencies: [
                "Telemetry", "TelemetryOTLPData", "TelemetryGatewayCore", "TelemetryGatewayTransports", "TelemetryGatewayTesting",
                "TelemetryTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ]
        ),
        .testTarget(
            name: "TelemetryIntegrationTests",
            dependencies: [
                "Telemetry", "TelemetryIntegration", "TelemetryOTLP", "TelemetryExporters", "TelemetryTestSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Telemetry", "TelemetryExporters", "TelemetryOTLPData", "TelemetryTestSupport"]
        ),
        .testTarget(
            name: "TelemetryExportersTests",
            dependencies: [
                "Telemetry", "TelemetryExporters", "TelemetryOTLP", "TelemetryHTTP", "TelemetryTestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    cxxLanguageStandard: .cxx17
)

// swift-tools-version:6.1
import PackageDescription

// A separate package so the peers (swift-prometheus, swift-otel) never slow the main build.
let package = Package(
    name: "swift-telemetry-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `swift-telemetry` is a link to the repository root, so the package identity does not depend on
        // the name of the folder the repository was cloned into.
        .package(path: "swift-telemetry"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", exact: "1.6.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
    targets: [
        .executableTarget(
            name: "TelemetryBench",
            dependencies: [
                .product(name: "Telemetry", package: "swift-telemetry"),
                .product(name: "TelemetryOTLP", package: "swift-telemetry"),
                .product(name: "TelemetryOTLPData", package: "swift-telemetry"),
                .product(name: "TelemetryExporters", package: "swift-telemetry"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        )
    ]
)

// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser of outside bytes, in their own package so the sanitizer flags never
// touch the main build. Build and run them with `scripts/fuzz TARGET SECONDS` (`scripts/fuzz --list`).
let targets = ["FuzzGatewayRequest", "FuzzGatewayConfig", "FuzzPropagation", "FuzzRetryAfter", "FuzzExposition", "FuzzDiskQueueFiles", "FuzzDecodeAmplification", "FuzzOttlParser", "FuzzOttlEval"]

let package = Package(
    name: "swift-telemetry-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `swift-telemetry` is a link to the repository root (a stable package identity).
        .package(path: "swift-telemetry")
    ],
    targets: [.target(name: "CFuzzerDriver")]
        + targets.map { name in
            .executableTarget(
                name: name, dependencies: ["CFuzzerDriver", .product(name: "TelemetryGatewayTesting", package: "swift-telemetry")])
        }
)

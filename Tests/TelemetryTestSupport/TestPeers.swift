import Foundation

/// Where the real peers the integration tests talk to are found.
///
/// `scripts/test` installs them: Debian packages (prometheus, promtool) and a Python venv in `.venv`
/// with the official OpenTelemetry, Prometheus, moto and Datadog packages.
public enum TestPeers {
    /// The package's root folder.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The Python interpreter of the test venv (`TELEMETRY_TEST_PYTHON` overrides it).
    public static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["TELEMETRY_TEST_PYTHON"]
            ?? packageRoot.appendingPathComponent(".venv/bin/python3").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestPeerError("no Python test venv at \(path): run scripts/test once to install the test peers")
        }
        return path
    }

    /// A helper script in `Tests/Peers`.
    public static func script(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Peers/\(name)").path
    }

    /// A program from the system (`/usr/bin` and friends).
    public static func executable(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestPeerError("\(name) is not installed: run scripts/test once to install the test peers")
    }

    /// An executable product of this package, built next to the test bundle.
    public static func builtProduct(_ name: String) throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            packageRoot.appendingPathComponent(".build/debug/\(name)"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestPeerError("\(name) is not built: run swift build first")
        }
        return found.path
    }

    /// Runs a helper script with the venv's Python.
    public static func runPython(
        _ script: String, _ arguments: [String] = [], input: String = "", timeout: TimeInterval = 60
    ) throws -> ProcessOutput {
        try runProcess(try python(), [Self.script(script)] + arguments, input: input, timeout: timeout)
    }
}

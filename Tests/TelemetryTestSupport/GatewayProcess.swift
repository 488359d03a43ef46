import Foundation

/// A `telemetry-gateway` process started from the build folder with a given configuration.
public final class GatewayProcess: @unchecked Sendable {
    // @unchecked: `process` is only replaced by start(), which tests call from one task.
    /// The OTLP receiver's port.
    public let port: Int
    /// The Prometheus exporter's port (`PROMETHEUS_PORT` in the YAML).
    public let prometheusPort: Int
    /// The self-metrics port (`TELEMETRY_PORT` in the YAML).
    public let telemetryPort: Int
    /// The folder of its configuration and log (`STATE_DIR` in the YAML stands for `<folder>/state`).
    public let folder: URL
    private var process = Process()
    private let environment: [String: String]
    private let shutdownTimeout: Int

    /// The built `telemetry-gateway` binary, next to the test bundle, or the one `TELEMETRY_GATEWAY_BINARY`
    /// names (the hostile-resource suite's full-size mode runs the release build).
    public static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["TELEMETRY_GATEWAY_BINARY"] { return path }
        return try TestPeers.builtProduct("telemetry-gateway")
    }

    /// Starts the gateway with `yaml`, in which `RECEIVER_PORT`, `PROMETHEUS_PORT` and `TELEMETRY_PORT` are
    /// replaced by free ports and `STATE_DIR` by a folder of its own that outlives restarts.
    public init(yaml: String, environment: [String: String] = [:], shutdownTimeout: Int = 5) async throws {
        port = try freeLoopbackPort()
        prometheusPort = try freeLoopbackPort()
        telemetryPort = try freeLoopbackPort()
        self.environment = environment
        self.shutdownTimeout = shutdownTimeout
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try yaml.replacingOccurrences(of: "RECEIVER_PORT", with: String(port))
            .replacingOccurrences(of: "PROMETHEUS_PORT", with: String(prometheusPort))
            .replacingOccurrences(of: "TELEMETRY_PORT", with: String(telemetryPort))
            .replacingOccurrences(of: "STATE_DIR", with: folder.appendingPathComponent("state").path)
            .write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("gateway.log").path, contents: nil)
        try await start()
    }

    deinit {
        stopProcess(process)
        try? FileManager.default.removeItem(at: folder)
    }

    /// (Re)starts the process on the same ports and configuration, its log appended to the same file.
    /// With `waitUntilReady`, returns once `/healthz` answers 200 (or a TLS receiver logged that it
    /// listens); otherwise right after the spawn.
    public func start(waitUntilReady: Bool = true) async throws {
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("gateway.log"))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = [
            "run", "--config", folder.appendingPathComponent("gateway.yaml").path, "--shutdown-timeout", String(shutdownTimeout),
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        guard waitUntilReady else { return }
        let url = self.url
        let ready = await waitUntil(timeout: 20) {
            guard process.isRunning else { return true }
            // A TLS receiver answers no plaintext health check: its listening line says it is up.
            if self.logText().contains("https://127.0.0.1:\(self.port)") { return true }
            return (try? await httpRequest("\(url)/healthz", timeout: 1))?.status == 200
        }
        guard ready, process.isRunning else { throw TestPeerError("the gateway did not start: \(logText())") }
    }

    /// Kills the process with SIGKILL (no shutdown at all) and waits until it is gone.
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Whether the process is running.
    public var isRunning: Bool { process.isRunning }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// The peak resident memory of the process so far (`VmHWM`), in bytes.
    public func peakResidentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// The value of self-metric `name` on the series whose labels include `labels` (text as exposed,
    /// e.g. `policy="errors",decision="sampled"`); nil when no such series is exposed.
    public func selfMetric(_ name: String, labels: String = "") async throws -> Double? {
        let response = try await httpRequest("http://127.0.0.1:\(telemetryPort)/metrics", timeout: 5)
        let wanted = labels.split(separator: ",")
        let line = String(decoding: response.body, as: UTF8.self).split(separator: "\n").first { line in
            (line.hasPrefix(name + "{") || line.hasPrefix(name + " ")) && wanted.allSatisfy { line.contains($0) }
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The receiver's base URL.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Everything the gateway logged.
    public func logText() -> String {
        (try? String(contentsOf: folder.appendingPathComponent("gateway.log"), encoding: .utf8)) ?? ""
    }

    /// Sends SIGTERM and waits (at most `timeout` seconds); returns the exit status, or nil if it had to be killed.
    public func terminate(timeout: TimeInterval = 15) -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else {
            stopProcess(process, grace: 0)
            return nil
        }
        return process.terminationStatus
    }
}

import Foundation

/// A `telemetry-gateway` process started from the build folder with a given configuration.
public final class GatewayProcess: @unchecked Sendable {
    // @unchecked: set up once in init, stopped once.
    /// The OTLP receiver's port.
    public let port: Int
    /// The Prometheus exporter's port (`PROMETHEUS_PORT` in the YAML).
    public let prometheusPort: Int
    /// The self-metrics port (`TELEMETRY_PORT` in the YAML).
    public let telemetryPort: Int
    private let process: Process
    private let folder: URL

    /// The built `telemetry-gateway` binary, next to the test bundle.
    public static func binary() throws -> String {
        try TestPeers.builtProduct("telemetry-gateway")
    }

    /// Starts the gateway with `yaml`, in which `RECEIVER_PORT`, `PROMETHEUS_PORT` and `TELEMETRY_PORT` are
    /// replaced by free ports.
    public init(yaml: String, environment: [String: String] = [:], shutdownTimeout: Int = 5) async throws {
        port = try freeLoopbackPort()
        prometheusPort = try freeLoopbackPort()
        telemetryPort = try freeLoopbackPort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("gateway.yaml")
        try yaml.replacingOccurrences(of: "RECEIVER_PORT", with: String(port))
            .replacingOccurrences(of: "PROMETHEUS_PORT", with: String(prometheusPort))
            .replacingOccurrences(of: "TELEMETRY_PORT", with: String(telemetryPort))
            .write(to: config, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("gateway.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["run", "--config", config.path, "--shutdown-timeout", String(shutdownTimeout)]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let url = self.url
        let ready = await waitUntil(timeout: 20) { (try? await httpRequest("\(url)/healthz", timeout: 1))?.status == 200 }
        guard ready else { throw TestPeerError("the gateway did not start: \(logText())") }
    }

    deinit {
        stopProcess(process)
        try? FileManager.default.removeItem(at: folder)
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// The peak resident memory of the process so far (`VmHWM`), in bytes.
    public func peakResidentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
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

import Foundation

/// A real Prometheus server (Debian package `prometheus`) on loopback, scraping the given targets.
///
/// It stores its data in a temporary folder and is stopped by `stop()`.
public final class PrometheusServer: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only terminated afterwards.
    /// The port of Prometheus's own HTTP API.
    public let port: Int
    private let process: Process
    private let folder: URL
    private let log: FileHandle

    /// Starts Prometheus scraping `targets` (host:port) every `scrapeInterval` seconds, optionally with rule files.
    public init(targets: [String], scrapeInterval: Int = 1, ruleFiles: [String] = []) throws {
        port = try freeLoopbackPort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let quotedTargets = targets.map { "'\($0)'" }.joined(separator: ", ")
        let rules = ruleFiles.isEmpty ? "" : "rule_files:\n" + ruleFiles.map { "  - '\($0)'\n" }.joined()
        let config = """
            global:
              scrape_interval: \(scrapeInterval)s
              evaluation_interval: \(scrapeInterval)s
            \(rules)scrape_configs:
              - job_name: swift-telemetry
                static_configs:
                  - targets: [\(quotedTargets)]

            """
        let configFile = folder.appendingPathComponent("prometheus.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let logFile = folder.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try TestPeers.executable("prometheus"))
        process.arguments = [
            "--config.file=\(configFile.path)", "--storage.tsdb.path=\(folder.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ]
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    deinit {
        stop()
    }

    /// The base URL of the HTTP API.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Waits until Prometheus answers `/-/ready`.
    public func waitUntilReady(timeout: TimeInterval = 30) async throws {
        let ready = await waitUntil(timeout: timeout) {
            (try? await httpRequest("\(url)/-/ready", timeout: 2))?.status == 200
        }
        guard ready else { throw TestPeerError("Prometheus did not become ready: \(logText())") }
    }

    /// Runs an instant query and returns the decoded `data.result` array.
    public func query(_ expression: String) async throws -> [[String: Any]] {
        var components = URLComponents(string: "\(url)/api/v1/query")
        components?.queryItems = [URLQueryItem(name: "query", value: expression)]
        guard let target = components?.url?.absoluteString else { throw TestPeerError("bad query \(expression)") }
        let response = try await httpRequest(target)
        guard let json = try JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            json["status"] as? String == "success", let data = json["data"] as? [String: Any]
        else {
            throw TestPeerError("query \(expression) failed: \(response.status) \(response.text)")
        }
        return data["result"] as? [[String: Any]] ?? []
    }

    /// The numeric value of the first series an instant query returns, if any.
    public func queryValue(_ expression: String) async throws -> Double? {
        guard let first = try await query(expression).first, let value = first["value"] as? [Any],
            let text = value.last as? String
        else { return nil }
        return Double(text)
    }

    /// Everything Prometheus logged so far.
    public func logText() -> String {
        (try? String(contentsOf: folder.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
    }

    /// Stops the server and removes its data.
    public func stop() {
        stopProcess(process)
        try? log.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

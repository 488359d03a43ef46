import Foundation
import Telemetry
import TelemetryOTLP
import TelemetryOTLPData

/// One gateway process under load: started on a configuration, fed the same pre-encoded request by 4
/// connections for `seconds`, measured (CPU, peak RSS, what the discarding upstream received).
struct GatewayLoad {
    /// What a run measured.
    struct Result {
        let accepted: Int
        let delivered: Int
        let gatewayCPU: Double
        let rss: Double
    }

    let port = Int.random(in: 40_001...45_000)
    /// The gRPC receiver's port, for configurations that serve it (`GRPC_PORT`).
    let grpcPort = Int.random(in: 45_001...50_000)
    let telemetryPort = Int.random(in: 50_001...60_000)
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-gateway-\(port)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs the gateway on `yaml` (with `RECEIVER_PORT`, `GRPC_PORT` and `TELEMETRY_PORT` filled in),
    /// sends `requests` in turn (each `spansPerRequest` spans, wrapping around) from 4 connections for
    /// `seconds`, over OTLP/HTTP to `path` (the n-th request with `headers[n % headers.count]`, if any) or,
    /// with `grpc`, OTLP/gRPC (traces); `during` runs once, halfway.
    func run(
        gatewayBinary: String, yaml: String, receiver: DiscardServerProcess, requests: [[UInt8]], spansPerRequest: Int, seconds: Double,
        path: String = "/v1/traces", grpc: Bool = false, requestHeaders: [[(name: String, value: String)]] = [], during: (() -> Void)? = nil
    ) throws -> Result {
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("gateway.yaml")
        try yaml.replacingOccurrences(of: "RECEIVER_PORT", with: String(port))
            .replacingOccurrences(of: "TELEMETRY_PORT", with: String(telemetryPort))
            .replacingOccurrences(of: "GRPC_PORT", with: String(grpcPort))
            .write(to: config, atomically: true, encoding: .utf8)
        let gateway = Process()
        gateway.executableURL = URL(fileURLWithPath: gatewayBinary)
        gateway.arguments = ["run", "--config", config.path, "--log-level", "warning"]
        gateway.environment = Harness.environmentWithoutInterposer
        try gateway.run()
        defer {
            gateway.terminate()
            gateway.waitUntilExit()
        }
        let url = "http://127.0.0.1:\(port)\(path)"
        let probe = LoopbackHTTPClient()
        for _ in 0..<100 {
            if (try? probe.send("GET", "http://127.0.0.1:\(port)/healthz"))?.status == 200 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try receiver.reset()
        let cpuBefore = Self.cpuSeconds(pid: gateway.processIdentifier)
        let deadline = Date().addingTimeInterval(seconds)
        let accepted = LoadCounter()
        let taken = LoadCounter()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                if grpc {
                    guard let client = try? GRPCLoadClient(port: grpcPort) else { return }
                    defer { client.close() }
                    while Date() < deadline {
                        if client.export(requests[taken.next() % requests.count]) { accepted.add(spansPerRequest) }
                    }
                    return
                }
                let client = LoopbackHTTPClient()
                while Date() < deadline {
                    let index = taken.next() % requests.count
                    let headers = requestHeaders.indices.contains(index) ? requestHeaders[index] : []
                    let response = try? client.send("POST", url, contentType: "application/x-protobuf", headers: headers, body: requests[index])
                    if response?.status == 200 { accepted.add(spansPerRequest) }
                }
            }.start()
        }
        if let during {
            Thread.sleep(forTimeInterval: seconds / 2)
            during()
        }
        group.wait()
        Thread.sleep(forTimeInterval: 2)
        let gatewayCPU = Self.cpuSeconds(pid: gateway.processIdentifier) - cpuBefore
        return Result(
            accepted: accepted.value, delivered: try receiver.spanCount(), gatewayCPU: gatewayCPU,
            rss: Harness.peakResidentBytes(pid: gateway.processIdentifier))
    }

    /// The value of self-metric `name` (its first series) on the gateway's telemetry endpoint.
    func selfMetric(_ name: String) -> Double? {
        let attempt = Swift.Result { try LoopbackHTTPClient().send("GET", "http://127.0.0.1:\(telemetryPort)/metrics") }
        guard let response = try? attempt.get() else { return nil }
        let line = String(decoding: response.body, as: UTF8.self).split(separator: "\n").first {
            $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ")
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    private static func cpuSeconds(pid: Int32) -> Double {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// A thread-safe running total.
final class LoadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    func add(_ count: Int) { lock.withLock { total += count } }
    /// The total before adding one.
    func next() -> Int { lock.withLock { defer { total += 1 }; return total } }
    var value: Int { lock.withLock { total } }
}

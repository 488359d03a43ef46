import Foundation
import Telemetry
import TelemetryOTLP
import TelemetryOTLPData

/// Scenario 6: telemetry-gateway receiving pre-encoded OTLP/HTTP requests over several connections,
/// sampling at ratio 1.0 (or `ratio`) and forwarding to a discarding upstream, through a memory sending
/// queue or a disk queue with an fsync policy (`always`, `interval`, `never`).
enum GatewayScenario {
    static func run(
        gatewayBinary: String, receiver: DiscardServerProcess, ratio: Double = 1, diskFsync: String? = nil, seconds: Double = 10
    ) throws -> ResultRow {
        let port = Int.random(in: 40_001...50_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-gateway-\(port)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("gateway.yaml")
        try """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:\(port)
            processors:
              probabilistic_sampler: {sampling_percentage: \(ratio * 100)}
              batch: {timeout: 200ms}
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            \(diskFsync.map { "    sending_queue: {storage: disk, directory: \(folder.path)/queue, fsync: \($0)}" } ?? "")
            service:
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [\(ratio < 1 ? "probabilistic_sampler, " : "")batch]
                  exporters: [otlphttp]
              telemetry: {metrics: {level: none}}
            """.write(to: config, atomically: true, encoding: .utf8)
        let gateway = Process()
        gateway.executableURL = URL(fileURLWithPath: gatewayBinary)
        gateway.arguments = ["run", "--config", config.path, "--log-level", "warning"]
        gateway.environment = Harness.environmentWithoutInterposer
        try gateway.run()
        defer {
            gateway.terminate()
            gateway.waitUntilExit()
            try? FileManager.default.removeItem(at: folder)
        }
        let url = "http://127.0.0.1:\(port)/v1/traces"
        let probe = LoopbackHTTPClient()
        for _ in 0..<100 {
            if (try? probe.send("GET", "http://127.0.0.1:\(port)/healthz"))?.status == 200 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try receiver.reset()
        let request = try encodedRequest(spans: 512)
        let cpuBefore = cpuSeconds(pid: gateway.processIdentifier)
        let deadline = Date().addingTimeInterval(seconds)
        let accepted = LoadCounter()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                let client = LoopbackHTTPClient()
                while Date() < deadline {
                    let response = try? client.send("POST", url, contentType: "application/x-protobuf", body: request)
                    if response?.status == 200 { accepted.add(512) }
                }
            }.start()
        }
        group.wait()
        Thread.sleep(forTimeInterval: 2)
        let gatewayCPU = cpuSeconds(pid: gateway.processIdentifier) - cpuBefore
        let delivered = try receiver.spanCount()
        let rss = Harness.peakResidentBytes(pid: gateway.processIdentifier)
        // Throughput counts the spans the gateway took in (at ratio 0.25 only a quarter is delivered).
        let perCore = Double(ratio < 1 ? accepted.value : delivered) / max(gatewayCPU, 0.001)
        if let diskFsync {
            return ResultRow(
                scenario: "6c gateway OTLP/HTTP in → disk queue, fsync: \(diskFsync) → OTLP/HTTP out (spans per gateway CPU-second)",
                ours: Measurement(value: perCore, unit: "spans/s", allocationsPerOperation: nil), peers: [],
                goal: "compare with row 6 (memory queue)", higherIsBetter: true,
                note: String(
                    format: "accepted %d, delivered %d spans in %.0f s (%.0f spans/s wall, 4 clients, 512 spans a request); gateway RSS peak %.0f MiB; queue in the temporary folder",
                    accepted.value, delivered, seconds, Double(delivered) / seconds, rss / 1_048_576))
        }
        return ResultRow(
            scenario: ratio < 1
                ? "6b gateway OTLP/HTTP in → sample \(ratio) (decode, filter, re-encode) → OTLP/HTTP out (spans in per gateway CPU-second)"
                : "6 gateway OTLP/HTTP in → sample 1.0 → OTLP/HTTP out (spans per gateway CPU-second)",
            ours: Measurement(value: perCore, unit: "spans/s", allocationsPerOperation: nil),
            peers: [("OTel Collector (published)", Measurement(value: 12_000, unit: "spans/s", allocationsPerOperation: nil))],
            goal: "≥ 100,000 spans/s per core, RSS < 100 MiB", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d spans in %.0f s; gateway RSS peak %.0f MiB; the Collector figure is its published one, not measured here",
                accepted.value, delivered, seconds, rss / 1_048_576))
    }

    private static func encodedRequest(spans: Int) throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<spans).map { index in
            SpanData(
                name: "request-\(index % 10)", context: SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator)),
                parent: nil, kind: .server, startTimeNanos: 1_000, endTimeNanos: 2_000,
                attributes: ["http.method": "GET", "http.status_code": 200, "user.id": .int(index)])
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: "load")).encode(data)
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
    var value: Int { lock.withLock { total } }
}

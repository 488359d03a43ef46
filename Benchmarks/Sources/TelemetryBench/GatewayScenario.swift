import Foundation
import Telemetry
import TelemetryOTLP
import TelemetryOTLPData

/// Scenario 6: telemetry-gateway receiving pre-encoded OTLP/HTTP (or, with `grpc`, OTLP/gRPC) requests
/// over several connections, sampling at ratio 1.0 (or `ratio`) and forwarding to a discarding upstream,
/// through a memory sending queue (of its default 64 MiB, or `queueBytes`) or a disk queue with an fsync
/// policy (`always`, `interval`, `never`).
enum GatewayScenario {
    static func run(
        gatewayBinary: String, receiver: DiscardServerProcess, ratio: Double = 1, diskFsync: String? = nil, grpc: Bool = false,
        queueBytes: Int? = nil, seconds: Double = 10
    ) throws -> ResultRow {
        let load = try GatewayLoad()
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            \(grpc ? "      grpc: {endpoint: 127.0.0.1:GRPC_PORT}" : "")
            processors:
              probabilistic_sampler: {sampling_percentage: \(ratio * 100)}
              batch: {timeout: 200ms}
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            \(diskFsync.map { "    sending_queue: {storage: disk, directory: \(load.folder.path)/queue, fsync: \($0)}" } ?? "")
            \(queueBytes.map { "    sending_queue: {max_bytes: \($0)}" } ?? "")
            service:
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [\(ratio < 1 ? "probabilistic_sampler, " : "")batch]
                  exporters: [otlphttp]
              telemetry: {metrics: {level: none}}
            """
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: [try encodedRequest(spans: 512)], spansPerRequest: 512,
            seconds: seconds, grpc: grpc)
        // Throughput counts the spans the gateway took in (at ratio 0.25 only a quarter is delivered).
        let perCore = Double(ratio < 1 ? result.accepted : result.delivered) / max(result.gatewayCPU, 0.001)
        let ours = Measurement(value: perCore, unit: "spans/s", allocationsPerOperation: nil)
        let delivery = String(format: "accepted %d, delivered %d spans in %.0f s", result.accepted, result.delivered, seconds)
        let rss = String(format: "gateway RSS peak %.0f MiB", result.rss / 1_048_576)
        /// A row of ours alone, compared with the row `goal` names.
        func comparedRow(_ scenario: String, goal: String, note: String) -> ResultRow {
            ResultRow(scenario: scenario, ours: ours, peers: [], goal: goal, higherIsBetter: true, note: note)
        }
        if grpc {
            return comparedRow(
                "6e gateway OTLP/gRPC in → sample 1.0 → OTLP/HTTP out (spans per gateway CPU-second)",
                goal: "compare with row 6 (the same over OTLP/HTTP)",
                note: "\(delivery) (4 gRPC clients, one HTTP/2 connection each, 512 spans a call); \(rss)")
        }
        if let diskFsync {
            let wall = String(format: "%.0f", Double(result.delivered) / seconds)
            return comparedRow(
                "6c gateway OTLP/HTTP in → disk queue, fsync: \(diskFsync) → OTLP/HTTP out (spans per gateway CPU-second)",
                goal: "compare with row 6 (memory queue)",
                note: "\(delivery) (\(wall) spans/s wall, 4 clients, 512 spans a request); \(rss); queue in the temporary folder")
        }
        if let queueBytes {
            return comparedRow(
                "6g gateway OTLP/HTTP in → sample 1.0 → memory queue of \(queueBytes >> 20) MiB → OTLP/HTTP out (spans per gateway CPU-second)",
                goal: "RSS of row 6 less its queue",
                note: "\(delivery); \(rss) (row 6 is the same load with the default 64 MiB queue, which the clients fill)")
        }
        return ResultRow(
            scenario: ratio < 1
                ? "6b gateway OTLP/HTTP in → sample \(ratio) (decode, filter, re-encode) → OTLP/HTTP out (spans in per gateway CPU-second)"
                : "6 gateway OTLP/HTTP in → sample 1.0 → OTLP/HTTP out (spans per gateway CPU-second)",
            ours: ours,
            peers: [("OTel Collector (published)", Measurement(value: 12_000, unit: "spans/s", allocationsPerOperation: nil))],
            goal: "≥ 100,000 spans/s per core, RSS < 100 MiB", higherIsBetter: true,
            note: "\(delivery); \(rss); the Collector figure is its published one, not measured here")
    }

    /// Row 6f: the same load as row 6 with log records (512 a request, a body and three attributes each)
    /// through a logs pipeline with a batch processor.
    static func logs(gatewayBinary: String, receiver: DiscardServerProcess, seconds: Double = 10) throws -> ResultRow {
        let load = try GatewayLoad()
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              batch: {timeout: 200ms}
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: [encodedLogsRequest(records: 512)], spansPerRequest: 512,
            seconds: seconds, path: "/v1/logs")
        return ResultRow(
            scenario: "6f gateway OTLP/HTTP logs in → batch → OTLP/HTTP out (log records per gateway CPU-second)",
            ours: Measurement(value: Double(result.delivered) / max(result.gatewayCPU, 0.001), unit: "records/s", allocationsPerOperation: nil),
            peers: [], goal: "compare with row 6 (spans)", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d records in %.0f s (4 clients, 512 records a request); gateway RSS peak %.0f MiB",
                result.accepted, result.delivered, seconds, result.rss / 1_048_576))
    }

    /// `records` log records, each a body and three attributes.
    static func encodedLogsRequest(records count: Int) -> [UInt8] {
        let records = (0..<count).map { index in
            LogRecordData(
                timeNanos: 1_000, severity: LogSeverity(.info), body: .string("order \(index) processed"),
                attributes: [LogAttribute("http.method", .string("GET")), LogAttribute("user.id", .int(Int64(index))),
                             LogAttribute("region", .string("eu-west-1"))],
                scope: "bench")
        }
        return OTLPLogsEncoder(resource: Resource(serviceName: "load")).encode(records)
    }

    /// 512 spans of 512 traces, each a root with three attributes.
    static func encodedRequest(spans: Int) throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<spans).map { index in
            SpanData(
                name: "request-\(index % 10)", context: SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator)),
                parent: nil, kind: .server, startTimeNanos: 1_000, endTimeNanos: 2_000,
                attributes: ["http.method": "GET", "http.status_code": 200, "user.id": .int(index)])
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: "load")).encode(data)
    }
}

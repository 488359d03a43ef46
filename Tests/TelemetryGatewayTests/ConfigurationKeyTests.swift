import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// Each documented key has the effect it describes (in process, against the Python intake server).
@Suite("Gateway: every configuration key does what it says")
struct ConfigurationKeyTests {
    /// A gateway whose traces pipeline ends in the exporter `exporter` defines (its id is the first word).
    static func gateway(processors: String = "", list: String = "", exporter: String, logger: LogRecorder? = nil) throws -> InProcessGateway {
        let id = exporter.trimmingCharacters(in: .whitespaces).prefix { $0 != ":" }
        return try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
                    max_nesting_depth: 8
            processors:
            \(processors.isEmpty ? "  {}" : processors)
            exporters:
            \(exporter)
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [\(list)], exporters: [\(id)]}
              telemetry: {metrics: {level: none}}
            """, logger: logger?.logger())
    }

    private func post(_ gateway: InProcessGateway, traces: Int) throws {
        var generator = SystemRandomNumberGenerator()
        #expect(try OTLPRequests.post(try OTLPRequests.traces(count: traces, spansPerTrace: 1, using: &generator), to: "\(gateway.url)/v1/traces").status == 200)
    }

    @Test("batch: send_batch_size sends a request once that many spans wait; send_batch_max_size caps a request; timeout sends the rest")
    func batchKeys() async throws {
        let intake = try await IntakeServer()
        let gateway = try Self.gateway(
            processors: "  batch: {timeout: 300ms, send_batch_size: 50, send_batch_max_size: 50}", list: "batch",
            exporter: "  otlphttp/out:\n    endpoint: \(intake.endpoint)")
        defer { gateway.shutdown() }
        for _ in 0..<12 { try post(gateway, traces: 10) }
        let arrived = await waitUntil(timeout: 10) { ((try? await intake.acceptedSpans()) ?? []).count == 120 }
        #expect(arrived)
        let sizes = try await intake.received(path: "/v1/traces").map { entry in
            (((entry["request"] as? [String: Any])?["resource_spans"] as? [[String: Any]]) ?? []).reduce(0) { total, resource in
                total + ((resource["scope_spans"] as? [[String: Any]]) ?? []).reduce(0) { $0 + (($1["spans"] as? [Any])?.count ?? 0) }
            }
        }
        #expect(sizes.allSatisfy { $0 <= 50 }, "send_batch_max_size: \(sizes)")
        #expect(sizes.filter { $0 == 50 }.count == 2 && sizes.reduce(0, +) == 120, "two full batches, the rest after the timeout: \(sizes)")
    }

    @Test("otlphttp: headers are sent, compression none sends plain protobuf, retry_on_failure.enabled false tries once")
    func exporterKeys() async throws {
        let intake = try await IntakeServer()
        try await intake.script([["status": 503]])
        let gateway = try Self.gateway(exporter: """
              otlphttp/out:
                endpoint: \(intake.endpoint)
                headers: {x-tenant: acme}
                compression: none
                retry_on_failure: {enabled: false}
            """)
        defer { gateway.shutdown() }
        try post(gateway, traces: 1)
        _ = await waitUntil(timeout: 5) { ((try? await intake.received(path: "/v1/traces")) ?? []).count == 1 }
        try post(gateway, traces: 1)
        _ = await waitUntil(timeout: 5) { ((try? await intake.received(path: "/v1/traces")) ?? []).count == 2 }
        let requests = try await intake.received(path: "/v1/traces")
        #expect(requests.map { $0["status"] as? Int } == [503, 200], "the 503 is not retried")
        let headers = requests.last?["headers"] as? [String: String] ?? [:]
        #expect(headers["x-tenant"] == "acme" && headers["content-encoding"] == nil)
    }

    @Test("otlphttp compression_level: the body is gzip at that level, which the Python intake decodes")
    func compressionLevel() async throws {
        let intake = try await IntakeServer()
        let gateway = try Self.gateway(exporter: "  otlphttp/out:\n    endpoint: \(intake.endpoint)\n    compression_level: 12")
        defer { gateway.shutdown() }
        try post(gateway, traces: 40)
        let arrived = await waitUntil(timeout: 10) { ((try? await intake.acceptedSpans()) ?? []).count == 40 }
        #expect(arrived)
        let headers = try await intake.received(path: "/v1/traces").first?["headers"] as? [String: String] ?? [:]
        #expect(headers["content-encoding"] == "gzip")
    }

    @Test("max_nesting_depth refuses shallower nesting than the default; debug verbosity detailed logs each span")
    func depthAndVerbosity() throws {
        let recorder = LogRecorder()
        let gateway = try Self.gateway(exporter: "  debug/out: {verbosity: detailed}", logger: recorder)
        defer { gateway.shutdown() }
        var value = Wire.string(1, "leaf")
        for _ in 0..<5 { value = Wire.field(5, Wire.field(1, value)) }
        let span = Wire.field(1, Array(1...16)) + Wire.field(2, Array(1...8)) + Wire.string(5, "s") + Wire.field(9, Wire.string(1, "k") + Wire.field(2, value))
        let response = try OTLPRequests.post(Wire.field(1, Wire.field(2, Wire.field(2, span))), to: "\(gateway.url)/v1/traces")
        #expect(response.status == 400 && String(decoding: response.body, as: UTF8.self).contains("deeper than 8"))
        try post(gateway, traces: 2)
        gateway.shutdown()
        #expect(recorder.all.filter { $0.message.contains("debug/out: span root") }.count == 2, "\(recorder.all.map(\.message))")
    }
}

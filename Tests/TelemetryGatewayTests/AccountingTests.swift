import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// Every accepted span is accounted for, through failures, a full queue, and a shutdown that gives up.
@Suite("Gateway: accounting and bounded shutdown")
struct AccountingTests {
    @Test("After a refused export, a full queue and a shutdown against a hung upstream: received = sent + dropped + queued")
    func accountingAfterFaults() async throws {
        let intake = try await IntakeServer()
        try await intake.script([["status": 400]])
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              batch: {timeout: 50ms}
            exporters:
              otlphttp:
                endpoint: \(intake.endpoint)
                timeout: 30s
                retry_on_failure: {initial_interval: 10ms, max_interval: 20ms, max_elapsed_time: 60s}
                sending_queue: {max_bytes: 20000}
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """)
        var generator = SystemRandomNumberGenerator()
        func post() throws -> Int {
            try OTLPRequests.post(try OTLPRequests.traces(count: 20, spansPerTrace: 2, using: &generator), to: "\(gateway.url)/v1/traces").status
        }
        #expect(try post() == 200)
        _ = await waitUntil(timeout: 5) { ((try? await intake.received(path: "/v1/traces")) ?? []).count == 1 }
        try await intake.hold(true)
        var statuses: [Int] = []
        for _ in 0..<30 { statuses.append(try post()) }
        #expect(statuses.contains(200) && statuses.contains(429), "\(statuses)")

        let flushed = gateway.shutdown(timeout: .seconds(1))
        #expect(!flushed, "the upstream is hung: not everything went out")
        try await intake.hold(false)

        let labels = ["exporter": "otlphttp", "signal": "traces"]
        func exporter(_ name: String, _ extra: [String: String] = [:]) -> Int {
            Int(gateway.selfMetric(name, labels.merging(extra) { $1 }) ?? 0)
        }
        let received = Int(gateway.selfMetric("telemetry_gateway_received_items_total", ["receiver": "otlp", "signal": "traces"]) ?? 0)
        let sent = exporter("telemetry_exporter_sent_items_total")
        let failed = exporter("telemetry_exporter_dropped_items_total", ["reason": "export_failed"])
        let shutdown = exporter("telemetry_exporter_dropped_items_total", ["reason": "shutdown"])
        let queued = exporter("telemetry_exporter_queued_items")
        #expect(failed == 40 && shutdown > 0)
        #expect(exporter("telemetry_exporter_dropped_items_total", ["reason": "queue_full"]) == 0, "refused with 429, not dropped")
        #expect(received == sent + failed + shutdown + queued, "received \(received), sent \(sent), failed \(failed), shutdown \(shutdown), queued \(queued)")
        let refused = Int(gateway.selfMetric("telemetry_gateway_refused_items_total", ["receiver": "otlp", "signal": "traces", "reason": "queue_full"]) ?? 0)
        #expect(refused == statuses.filter { $0 == 429 }.count * 40, "items of 429 answers are refused, not received")
    }

    @Test("Two exporters, one hung with a full queue: requests are taken (200) and the hung one counts its share as dropped; each exporter adds up")
    func fanoutOverruledRefusal() async throws {
        let hung = try await IntakeServer()
        let healthy = try await IntakeServer()
        try await hung.hold(true)
        defer { Task { try? await hung.hold(false) } }
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              batch: {timeout: 20ms}
            exporters:
              otlphttp/hung:
                endpoint: \(hung.endpoint)
                timeout: 30s
                sending_queue: {max_bytes: 10000}
              otlphttp/healthy:
                endpoint: \(healthy.endpoint)
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp/hung, otlphttp/healthy]}
              telemetry: {metrics: {level: none}}
            """)
        var generator = SystemRandomNumberGenerator()
        var statuses: [Int] = []
        for _ in 0..<40 {
            let body = try OTLPRequests.traces(count: 10, spansPerTrace: 2, using: &generator)
            statuses.append(try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces").status)
        }
        #expect(statuses.allSatisfy { $0 == 200 }, "one healthy exporter is enough to take the data: \(statuses)")
        let delivered = await waitUntil(timeout: 10) { ((try? await healthy.acceptedSpans()) ?? []).count == 800 }
        #expect(delivered)

        func value(_ name: String, _ labels: [String: String]) -> Int { Int(gateway.selfMetric(name, labels) ?? 0) }
        let received = value("telemetry_gateway_received_items_total", ["receiver": "otlp", "signal": "traces"])
        #expect(received == 800)
        let hungLabels = ["exporter": "otlphttp/hung", "signal": "traces"]
        let full = value("telemetry_exporter_dropped_items_total", hungLabels.merging(["reason": "queue_full"]) { $1 })
        let taken = value("telemetry_exporter_enqueued_items_total", hungLabels)
        #expect(full > 0, "the hung exporter's queue filled up")
        #expect(full + taken == received, "hung: dropped \(full) + taken into its queue \(taken)")
        let refused = value("telemetry_gateway_refused_items_total", ["receiver": "otlp", "signal": "traces", "reason": "queue_full"])
        #expect(refused == 0)
        _ = gateway.shutdown(timeout: .milliseconds(200))
    }

    @Test("SIGTERM with a hung upstream: the gateway exits within its shutdown timeout, with status 2 (not everything flushed)")
    func boundedShutdown() async throws {
        let intake = try await IntakeServer()
        try await intake.hold(true)
        defer { Task { try? await intake.hold(false) } }
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              batch: {timeout: 50ms}
            exporters:
              otlphttp:
                endpoint: \(intake.endpoint)
                timeout: 60s
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """, shutdownTimeout: 2)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            #expect(try OTLPRequests.post(try OTLPRequests.traces(count: 5, spansPerTrace: 1, using: &generator), to: "\(gateway.url)/v1/traces").status == 200)
        }
        try await Task.sleep(for: .milliseconds(300))
        let started = Date()
        let status = gateway.terminate(timeout: 30)
        #expect(status == 2, "exit status \(String(describing: status)): \(gateway.logText())")
        #expect(Date().timeIntervalSince(started) < 10, "a 60 s request timeout must not hold up a 2 s shutdown")
    }
}

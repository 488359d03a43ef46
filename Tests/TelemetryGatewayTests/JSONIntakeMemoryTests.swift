import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// OTLP/JSON costs what the budget allows (issue 28, item 4): the decoder's memory is reserved before
/// it is allocated, so a JSON body can no longer buy a gigabyte with its few kilobytes on the wire.
@Suite("Gateway: OTLP/JSON within the memory budget")
struct JSONIntakeMemoryTests {
    /// Item 4's shape: `{"schemaUrl":"xxxxxxxxxx"}` resources filling `bytes` of JSON.
    static func tinyResources(bytes: Int) -> [UInt8] {
        let entry = #"{"schemaUrl":"xxxxxxxxxx"}"#
        return Array((#"{"resourceSpans":["# + Array(repeating: entry, count: bytes / (entry.count + 1)).joined(separator: ",") + "]}").utf8)
    }

    @Test("Item 4 at 2 MiB (gzip), two at once: both answered 200, and the gateway's peak RSS stays under the budget + 96 MiB")
    func tinyResourcesStayWithinTheBudget() async throws {
        let budgetMiB = 32
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              memory_limiter: {check_interval: 1s, limit_mib: \(budgetMiB), spike_limit_mib: 4}
            exporters:
              debug:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """)
        let body = Gzip.compress(Self.tinyResources(bytes: 2 << 20))
        let url = "\(gateway.url)/v1/traces"
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try OTLPRequests.post(body, to: url, contentType: "application/json", headers: [("Content-Encoding", "gzip")]).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == [200, 200], "\(statuses)")
        let peak = gateway.peakResidentBytes()
        #expect(peak <= (budgetMiB << 20) + FloodTests.overheadBytes, "peak RSS \(peak >> 20) MiB")
    }

    @Test("A JSON body whose decoding needs more than the budget is answered 429 (retry later), not decoded outside it")
    func decodingOverTheBudgetIs429() throws {
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              memory_limiter: {limit_mib: 2, spike_limit_mib: 1}
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
        defer { gateway.shutdown() }
        // 200,000 empty resources: 600 KB of JSON, 400 KB of protobuf, written through placeholders first.
        let empty = Array(("{\"resourceSpans\":[" + Array(repeating: "{}", count: 200_000).joined(separator: ",") + "]}").utf8)
        let refused = try OTLPRequests.post(empty, to: "\(gateway.url)/v1/traces", contentType: "application/json")
        #expect(refused.status == 429, "\(refused.status) \(String(decoding: refused.body.prefix(200), as: UTF8.self))")
        // The body's lease goes when the worker's closure does, which may be just after the answer is sent.
        let deadline = Date().addingTimeInterval(5)
        while gateway.service.budget.usedBytes != 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(gateway.service.budget.usedBytes == 0, "nothing stays reserved")
        let small = Self.tinyResources(bytes: 64 << 10)
        #expect(try OTLPRequests.post(small, to: "\(gateway.url)/v1/traces", contentType: "application/json").status == 200)
    }
}

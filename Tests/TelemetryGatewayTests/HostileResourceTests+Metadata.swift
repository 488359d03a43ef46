import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// Issue 31's request metadata in the hostile-resource suite: clients sending as many headers as the
/// HTTP/1.1 decoder takes (about 75 KB each, a new tenant every request) to a receiver with
/// `include_metadata: true`, through `batch` with `metadata_keys` and through a pipeline that keeps the
/// whole metadata. The metadata is charged to each request's lease before it is kept, so the gateway's
/// peak RSS stays within the budget + 96 MiB, the answers are 200, 400 (beyond the cardinality limit) or
/// 429, and headers past the decoder's limit are refused unread.
extension HostileResourceTests {
    /// 1,400 headers of 40 bytes each and a tenant of its own: about 75 KB, under SwiftNIO's 80 KiB.
    static func manyHeaders(tenant: Int, count: Int = 1_400) -> [(name: String, value: String)] {
        [(name: "X-Tenant", value: "tenant-\(tenant)")]
            + (0..<count).map { (name: "x-h\($0)", value: String(repeating: "v", count: 40)) }
    }

    @Test("Issue 31: many large headers with include_metadata are charged, bounded and served (200, 400 past the cardinality limit, or 429)")
    func manyHeadersWithIncludeMetadata() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            http: ", include_metadata: true",
            processors: "  batch/tenant: {metadata_keys: [x-tenant], metadata_cardinality_limit: 50}",
            pipelines: [
                "traces: {receivers: [otlp], processors: [memory_limiter, batch/tenant], exporters: [debug]}",
                "metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}",
            ]))
        let spans = HostileShapes.traces(spans: (0..<20).map { HostileShapes.span(index: $0) })
        let url = harness.gateway.url
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let next = Collected<Int>()
        let report = await harness.run(attackers: 4, seconds: 10) { index, deadline in
            var sent = 0
            while Date() < deadline {
                sent += 1
                next.add(sent)
                let tenant = index * 1_000_000 + sent
                let path = sent % 2 == 0 ? "/v1/traces" : "/v1/metrics"
                let body = path == "/v1/traces" ? spans : HostileShapes.repeatedResource(1)
                answers.add(HostileHTTP.post(body, to: url + path, timeout: 20, extraHeaders: Self.manyHeaders(tenant: tenant)))
            }
        }
        Self.expectBounded(report, "many headers with include_metadata (\(next.values.count) requests)")
        #expect(!answers.values.isEmpty)
        #expect(answers.values.contains { $0.status == 200 }, "\(answers.values.prefix(5).map { ($0.status, $0.text) })")
        #expect(answers.values.allSatisfy { [200, 400, 429].contains($0.status) }, "\(Set(answers.values.map(\.status)))")
        #expect(answers.values.contains { $0.text.contains("too many batcher metadata-value combinations") })
        // Headers past the decoder's limit never reach the receiver's code.
        let tooMany = HostileHTTP.post(spans, to: url + "/v1/traces", timeout: 20, extraHeaders: Self.manyHeaders(tenant: 0, count: 3_000))
        #expect(tooMany.status != 200, "\(tooMany.status) \(tooMany.text)")
    }
}

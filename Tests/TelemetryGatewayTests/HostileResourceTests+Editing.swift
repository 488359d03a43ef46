import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// Issue 30's editing processors in the hostile-resource suite: the suite's shapes through `attributes`,
/// `filter`, `transform` and `redaction`. What the edits need is charged to the request's lease before
/// it is allocated, so a request whose edits do not fit is answered 429, the gateway's peak RSS stays
/// within the budget + 96 MiB, and the probe client is served throughout.
extension HostileResourceTests {
    static let editingProcessors = """
          attributes:
            actions:
              - {key: deployment, value: hostile, action: upsert}
              - {key: user.email, action: hash}
              - {key: url, action: extract, pattern: '^(?P<scheme>[a-z]+)://(?P<host>[^/]+)'}
          filter:
            error_mode: ignore
            traces: {span: ['IsMatch(attributes["text"], "^healthcheck")']}
          transform:
            error_mode: ignore
            trace_statements:
              - set(span.attributes["copy"], resource.attributes["blob"])
              - replace_pattern(span.attributes["text"], "a+b", "x")
              - set(span.attributes["parsed"], ParseJSON(span.attributes["json"])) where IsString(span.attributes["json"])
              - flatten(span.attributes["parsed"])
              - flatten(span.attributes["nested"])
          redaction:
            allow_all_keys: true
            blocked_values: ['4[0-9]{12}(?:[0-9]{3})?', 'a+c']
        """

    @Test("Issue 30: editing processors on hostile shapes answer 200 or 429 within the budget, in time linear in the request",
          arguments: ["many-tiny-spans", "resource-copied-into-every-span", "giant-string", "deep-nesting", "flatten-long-prefix"])
    func editingPipeline(shape: String) async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            processors: Self.editingProcessors,
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter, attributes, filter, transform, redaction], exporters: [debug]}"]))
        let body = Self.editingShape(shape)
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 2, seconds: 10) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, timeout: 20))
        }
        Self.expectBounded(report, "editing \(shape) (\(body.count) bytes)")
        #expect(!answers.values.isEmpty)
        #expect(answers.values.allSatisfy { [200, 429].contains($0.status) }, "\(shape): \(answers.values.map { ($0.status, $0.text) })")
        // Linear: a few MB are edited in well under the client's timeout (a debug build, sharing the CPU).
        #expect(answers.values.allSatisfy { $0.seconds <= 15 }, "\(shape): \(answers.values.map(\.seconds))")
        if shape == "resource-copied-into-every-span" {
            // 1 MiB copied into each of 200 spans cannot fit a 64 MiB budget: refused, never accepted.
            #expect(answers.values.allSatisfy { $0.status == 429 }, "\(shape): \(answers.values.map(\.status))")
        }
    }

    /// The request of `shape`, a few MB on the wire.
    static func editingShape(_ shape: String) -> [UInt8] {
        switch shape {
        case "many-tiny-spans":  // every span gains two attributes: about 700 bytes of edits per 50 wire bytes
            return HostileShapes.traces(spans: (0..<HostileResourceHarness.size(ci: 60_000, full: 300_000)).map { HostileShapes.span(index: $0) })
        case "resource-copied-into-every-span":
            return HostileShapes.traces(
                resourceAttributes: HostileShapes.attribute(1, key: "blob", value: String(repeating: "x", count: 1 << 20)),
                spans: (0..<200).map { HostileShapes.span(index: $0) })
        case "giant-string":  // "aaaa…": a+b and a+c scan it without backtracking
            return HostileShapes.traces(spans: [HostileShapes.span(
                index: 0, attributes: HostileShapes.attribute(9, key: "text", value: String(repeating: "a", count: HostileResourceHarness.size(ci: 4 << 20, full: 16 << 20))))])
        case "deep-nesting":  // kvlists nested 18 levels (near the 64-message limit) under 2,000 spans, flattened
            var value = Wire.string(1, "leaf")
            for level in 0..<18 { value = Wire.field(6, Wire.field(1, Wire.string(1, "k\(level)") + Wire.field(2, value))) }
            let nested = Wire.field(9, Wire.string(1, "nested") + Wire.field(2, value))
            return HostileShapes.traces(spans: (0..<2_000).map { HostileShapes.span(index: $0, attributes: nested) })
        default:  // {"<64 KiB key>": {"a0": 1, …}}: flattening writes the long key before each of 10,000 leaves
            let leaves = (0..<10_000).map { "\"a\($0)\":1" }.joined(separator: ",")
            let json = "{\"\(String(repeating: "k", count: 64 << 10))\":{\(leaves)}}"
            return HostileShapes.traces(spans: [HostileShapes.span(index: 0, attributes: HostileShapes.attribute(9, key: "json", value: json))])
        }
    }
}

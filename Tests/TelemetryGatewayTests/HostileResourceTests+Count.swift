import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// Issue 31's `count` connector in the hostile-resource suite: every span of a large request has its
/// own attribute value (as many attribute sets as spans, each charged before it is stored), or one
/// resource of 1 MiB stands over many spans (its attributes are shared with the output, not copied).
/// The gateway answers 200 or 429, its peak RSS stays within the budget + 96 MiB, and the probe client is
/// served throughout.
extension HostileResourceTests {
    static let countConnector = """
        connectors:
          count:
            spans:
              by.id:
                attributes: [{key: id}, {key: missing, default_value: d}]
              matched:
                conditions: ['IsMatch(attributes["id"], "^1")']
        """

    @Test("Issue 31: the count connector on hostile shapes answers 200 or 429 within the budget, in time linear in the request",
          arguments: ["distinct-attribute-per-span", "large-resource-over-many-spans"])
    func countConnector(shape: String) async throws {
        let yaml = Self.config(pipelines: [
            "traces: {receivers: [otlp], processors: [memory_limiter], exporters: [count]}",
            "metrics: {receivers: [count], exporters: [debug]}",
        ]).replacingOccurrences(of: "\nservice:\n", with: "\n\(Self.countConnector)\nservice:\n")
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: yaml)
        let body = Self.countShape(shape)
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 2, seconds: 10) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, timeout: 20))
        }
        Self.expectBounded(report, "count \(shape) (\(body.count) bytes)")
        #expect(!answers.values.isEmpty)
        #expect(answers.values.allSatisfy { [200, 429].contains($0.status) }, "\(shape): \(answers.values.map { ($0.status, $0.text) })")
        #expect(answers.values.allSatisfy { $0.seconds <= 15 }, "\(shape): \(answers.values.map(\.seconds))")
    }

    /// The request of `shape`, a few MB on the wire.
    static func countShape(_ shape: String) -> [UInt8] {
        switch shape {
        case "distinct-attribute-per-span":
            return HostileShapes.traces(spans: (0..<HostileResourceHarness.size(ci: 60_000, full: 300_000)).map {
                HostileShapes.span(index: $0, attributes: HostileShapes.attribute(9, key: "id", value: "\($0)"))
            })
        default:
            return HostileShapes.traces(
                resourceAttributes: HostileShapes.attribute(1, key: "blob", value: String(repeating: "x", count: 1 << 20)),
                spans: (0..<20_000).map { HostileShapes.span(index: $0, attributes: HostileShapes.attribute(9, key: "id", value: "\($0 % 10)")) })
        }
    }
}

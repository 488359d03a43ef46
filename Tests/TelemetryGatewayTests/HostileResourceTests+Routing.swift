import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// Issue 31's `routing` connector in the hostile-resource suite: requests cut into many pieces (many
/// resources alternating between routes; every span of a large request to one of nine outputs through
/// eight span routes) under the standard budget. The decoded request and every piece are reserved
/// before they are allocated, so what does not fit is answered 429, the gateway's peak RSS stays within
/// the budget + 96 MiB, and the probe client is served throughout.
extension HostileResourceTests {
    /// Eight span routes on `attributes["route"]` and a default, each feeding a pipeline of its own.
    static let routingYAML: String = {
        let routes = (0..<8).map { "      - {context: span, condition: 'attributes[\"route\"] == \"\($0)\"', pipelines: [traces/r\($0)]}" }
        let connectors = """
            connectors:
              routing:
                default_pipelines: [traces/default]
                table:
                  - {context: resource, condition: 'attributes["tenant"] == "a"', pipelines: [traces/a]}
            \(routes.joined(separator: "\n"))
            service:
            """
        let outputs = (["traces/a", "traces/default"] + (0..<8).map { "traces/r\($0)" }).map { "\($0): {receivers: [routing], exporters: [debug]}" }
        return config(pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [routing]}"] + outputs)
            .replacingOccurrences(of: "service:\n", with: connectors + "\n")
    }()

    @Test("Issue 31: routing cuts hostile requests into many pieces; answers 200 or 429 within the budget, in time linear in the request",
          arguments: ["many-resources-alternating", "many-spans-nine-outputs"])
    func routingPieces(shape: String) async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.routingYAML)
        let body = Self.routingShape(shape)
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 2, seconds: 10) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, timeout: 20))
        }
        Self.expectBounded(report, "routing \(shape) (\(body.count) bytes)")
        #expect(!answers.values.isEmpty)
        #expect(answers.values.allSatisfy { [200, 429].contains($0.status) }, "\(shape): \(answers.values.map { ($0.status, $0.text) })")
        #expect(answers.values.contains { $0.status == 200 }, "\(shape): some requests fit the budget and are routed")
        #expect(answers.values.allSatisfy { $0.seconds <= 15 }, "\(shape): \(answers.values.map(\.seconds))")
    }

    /// The request of `shape`, a few MB on the wire.
    static func routingShape(_ shape: String) -> [UInt8] {
        let count = HostileResourceHarness.size(ci: 40_000, full: 200_000)
        if shape == "many-resources-alternating" {  // a resource per span, tenants a, b, a, b…: a cut of 40,000 resources
            return (0..<count).flatMap { index in
                HostileShapes.traces(
                    resourceAttributes: HostileShapes.attribute(1, key: "tenant", value: index % 2 == 0 ? "a" : "b"),
                    spans: [HostileShapes.span(index: index)])
            }
        }
        // One resource, spans spread over eight routes and the default: nine pieces, every route evaluated.
        return HostileShapes.traces(spans: (0..<count).map { HostileShapes.span(index: $0, attributes: HostileShapes.attribute(9, key: "route", value: "\($0 % 9)")) })
    }
}

import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// Issue 31's `spanmetrics` connector in the hostile-resource suite: span names the attacker chooses
/// make series, and series are memory. The connector holds at most `aggregation_cardinality_limit`
/// series per resource (the rest fold into the overflow series, counted), charges every series to the
/// budget before it exists (a request whose series do not fit is answered 429), and the gateway's peak
/// RSS stays within the budget + 96 MiB while the probe client is served.
extension HostileResourceTests {
    static let spanMetricsConnector = "  spanmetrics: {aggregation_cardinality_limit: 1000, metrics_flush_interval: 1s}"
    static let spanMetricsPipelines = [
        "traces: {receivers: [otlp], processors: [memory_limiter], exporters: [spanmetrics]}",
        "metrics: {receivers: [spanmetrics], exporters: [prometheus]}",
    ]

    @Test("Issue 31: 100k distinct span names into spanmetrics: the cardinality limit holds, the overflow is counted, RSS bounded",
          arguments: ["distinct-names", "long-names"])
    func spanMetricsCardinality(shape: String) async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            exporters: "  prometheus: {endpoint: \"127.0.0.1:PROMETHEUS_PORT\"}", connectors: Self.spanMetricsConnector,
            pipelines: Self.spanMetricsPipelines))
        let url = "\(harness.gateway.url)/v1/traces"
        let names = shape == "distinct-names" ? 100_000 : HostileResourceHarness.size(ci: 4_000, full: 20_000)
        let perRequest = shape == "distinct-names" ? 5_000 : 20
        let nameBytes = shape == "distinct-names" ? 12 : 32 << 10
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 2, seconds: 30) { attacker, deadline in
            for first in stride(from: attacker * perRequest, to: names, by: 2 * perRequest) where Date() < deadline {
                let spans = (first..<min(first + perRequest, names)).map { index in
                    Self.namedSpan(index: index, name: String(repeating: "n", count: max(0, nameBytes - 12)) + String(index))
                }
                let body = HostileShapes.traces(resourceAttributes: HostileShapes.attribute(1, key: "service.name", value: "hostile"), spans: spans)
                answers.add(HostileHTTP.post(body, to: url, timeout: 20).status)
            }
        }
        Self.expectBounded(report, "spanmetrics \(shape)")
        #expect(answers.values.allSatisfy { [200, 429].contains($0) }, "\(shape): \(answers.values)")
        let series = try await harness.gateway.selfMetric("telemetry_connector_series", labels: "connector=\"spanmetrics\"") ?? -1
        #expect(series >= 1 && series <= 1001, "\(shape): at most the limit and the overflow series, not \(series)")
        if shape == "distinct-names" {
            // Every accepted request's spans are counted: past the first 1000 names, in the overflow series.
            let counted = try await harness.gateway.selfMetric("telemetry_connector_spans_total", labels: "outcome=\"counted\"") ?? 0
            let overflow = try await harness.gateway.selfMetric("telemetry_connector_spans_total", labels: "outcome=\"overflow\"") ?? 0
            let accepted = Double(answers.values.filter { $0 == 200 }.count * perRequest)
            #expect(counted <= 1000 && counted + overflow == accepted, "counted \(counted), overflow \(overflow), accepted \(accepted)")
            #expect(overflow > 0)
        } else {
            // 1000 series of 32 KiB names do not fit a 64 MiB budget beside the rest: refused, never held.
            #expect(answers.values.contains(429), "\(shape): \(answers.values)")
        }
    }

    /// A span named `name`, 1 µs long.
    static func namedSpan(index: Int, name: String) -> [UInt8] {
        let trace = withUnsafeBytes(of: UInt64(index + 1).bigEndian) { [0xAB] + Array(repeating: 0, count: 7) + Array($0) }
        func fixed64(_ number: UInt64, _ value: UInt64) -> [UInt8] {
            Wire.varint(number << 3 | 1) + withUnsafeBytes(of: value.littleEndian) { Array($0) }
        }
        return Wire.field(1, trace) + Wire.field(2, [1, 2, 3, 4, 5, 6, 7, 8]) + Wire.string(5, name) + fixed64(7, 1_000) + fixed64(8, 2_000)
    }
}

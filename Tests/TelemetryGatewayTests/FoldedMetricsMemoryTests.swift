import Foundation
import Telemetry
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The gateway's memory while a `prometheus` exporter folds a flood of large series (issue 28, item 7).
@Suite("Folded metrics: memory under a flood")
struct FoldedMetricsMemoryTests {
    /// A request of `count` gauge series of metric `flood_gauge_<tag>` (the store keeps at most 2,000 series
    /// a metric), each with an attribute of `valueBytes` bytes of its own.
    static func gauges(count: Int, valueBytes: Int, tag: String, time: UInt64 = 2) -> [UInt8] {
        let padding = String(repeating: "x", count: valueBytes)
        let points = (0..<count).map { index in
            MetricPoint(labels: [Label(name: "blob", value: "\(tag)-\(index)-" + padding)], startTimeNanos: 1, value: .gauge(1))
        }
        let family = MetricFamily(name: "flood_gauge_\(tag)", help: "", kind: .gauge, labelNames: ["blob"], points: points)
        return OTLPMetricsEncoder(resource: Resource(serviceName: "flood")).encode(MetricsSnapshot(families: [family], timestampNanos: time))
    }

    @Test("30 requests of 2,000 gauge series with 8 KiB attribute values: peak RSS stays under limit_mib + 96 MiB")
    func floodOfLargeSeries() async throws {
        let limitMiB = 128
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              memory_limiter: {check_interval: 1s, limit_mib: \(limitMiB), spike_limit_mib: 16}
            exporters:
              prometheus:
                endpoint: 127.0.0.1:PROMETHEUS_PORT
            service:
              pipelines:
                metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [prometheus]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """)
        var statuses: [Int] = []
        for request in 0..<30 {
            let body = Self.gauges(count: 2000, valueBytes: 8192, tag: "q\(request)")
            statuses.append((try? OTLPRequests.post(body, to: "\(gateway.url)/v1/metrics"))?.status ?? 0)
        }
        let peak = gateway.peakResidentBytes()
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(statuses)")
        #expect(
            peak < (limitMiB << 20) + FloodTests.overheadBytes,
            "peak RSS \(peak >> 20) MiB with a \(limitMiB) MiB budget; statuses \(statuses)")
        #expect(gateway.terminate() != nil)
    }
}

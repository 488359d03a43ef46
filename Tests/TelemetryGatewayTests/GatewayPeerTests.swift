import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

/// The spawned binary where a real Prometheus scrapes it and its shutdown is checked; in the test's process
/// otherwise.
@Suite("telemetry-gateway with real clients and peers")
struct GatewayPeerTests {
    static func config(upstream: String, sampling: String? = nil) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:RECEIVER_PORT
        processors:
          batch: {timeout: 100ms}
          \(sampling.map { "probabilistic_sampler: {sampling_percentage: \($0)}" } ?? "")
        exporters:
          otlphttp/upstream:
            endpoint: \(upstream)
          prometheus:
            endpoint: 127.0.0.1:PROMETHEUS_PORT
        service:
          pipelines:
            traces:
              receivers: [otlp]
              processors: [\(sampling == nil ? "" : "probabilistic_sampler, ")batch]
              exporters: [otlphttp/upstream]
            metrics:
              receivers: [otlp]
              processors: [batch]
              exporters: [otlphttp/upstream, prometheus]
          telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
        """
    }

    /// A gateway from `config` in the test's process.
    static func inProcess(upstream: String, sampling: String? = nil) throws -> InProcessGateway {
        let yaml = config(upstream: upstream, sampling: sampling).replacingOccurrences(of: "RECEIVER_PORT", with: "0")
            .replacingOccurrences(of: "PROMETHEUS_PORT", with: String(try freeLoopbackPort()))
            .replacingOccurrences(of: "{address: \"127.0.0.1:TELEMETRY_PORT\"}", with: "{level: none}")
        return try InProcessGateway(yaml: yaml)
    }

    @Test("The official Python SDK's spans and metrics arrive intact upstream; a real Prometheus scrapes the values")
    func pythonSDKThroughTheGateway() async throws {
        let upstream = try await IntakeServer()
        let gateway = try await GatewayProcess(yaml: Self.config(upstream: upstream.endpoint))
        let output = try TestPeers.runPython("otel_sdk_send.py", [gateway.url])
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let sentSpans = sent["spans"] as? [[String: Any]] ?? []

        let arrived = await waitUntil(timeout: 15) { ((try? await upstream.acceptedSpans()) ?? []).count >= 2 }
        #expect(arrived, "gateway log: \(gateway.logText())")
        let spans = try await upstream.acceptedSpans()
        #expect(spans.count == 2)
        for expected in sentSpans {
            let span = try #require(spans.first { $0.string("span_id") == expected["span_id"] as? String })
            #expect(span.string("name") == expected["name"] as? String)
            #expect(span.string("trace_id") == expected["trace_id"] as? String)
            #expect(span.string("parent_span_id") == expected["parent_span_id"] as? String)
            #expect(span.string("start_time_unix_nano") == (expected["start"] as? Int).map(String.init))
            #expect(span.string("end_time_unix_nano") == (expected["end"] as? Int).map(String.init))
            #expect(DecodedSpan.attributes(span.resource)["service.name"]?["string_value"] as? String == "python-sdk-service")
        }
        let checkout = try #require(spans.first { $0.string("name") == "checkout" })
        #expect(DecodedSpan.attributes(checkout.fields)["order.id"]?["int_value"] as? String == "42")
        #expect((checkout.fields["events"] as? [[String: Any]])?.first?["name"] as? String == "payment.authorized")
        let charge = try #require(spans.first { $0.string("name") == "charge_card" })
        #expect((charge.fields["status"] as? [String: Any])?["message"] as? String == "declined")

        let metricsArrived = await waitUntil(timeout: 15) {
            ((try? await upstream.acceptedMetrics()) ?? []).contains { $0.name == "orders.processed" }
        }
        #expect(metricsArrived)

        let prometheus = try PrometheusServer(targets: ["127.0.0.1:\(gateway.prometheusPort)", "127.0.0.1:\(gateway.telemetryPort)"])
        defer { prometheus.stop() }
        try await prometheus.waitUntilReady()
        let scraped = try await waitUntil(timeout: 30) {
            try await prometheus.queryValue("orders_processed_total{region=\"eu\",service_name=\"python-sdk-service\"}") == 7
        }
        #expect(scraped, "Prometheus: \(prometheus.logText())")
        #expect(try await prometheus.queryValue("queue_depth") == -3)
        #expect(try await prometheus.queryValue("order_value_sum") == 12.5)
        #expect(try await prometheus.queryValue("telemetry_gateway_received_items_total{signal=\"traces\",receiver=\"otlp\"}") == 2)
        #expect(gateway.terminate() == 0, "graceful shutdown: \(gateway.logText())")
        #expect(gateway.logText().contains("telemetry-gateway stopped"))
    }

    @Test("A ratio of 0.25 over 20,000 traces keeps 25% within statistical bounds, whole traces only, the same in two gateways")
    func consistentRatioSampling() async throws {
        let upstreamA = try await IntakeServer()
        let upstreamB = try await IntakeServer()
        let sampling = "25"
        let gatewayA = try Self.inProcess(upstream: upstreamA.endpoint, sampling: sampling)
        let gatewayB = try Self.inProcess(upstream: upstreamB.endpoint, sampling: sampling)
        let traces = 20_000
        var generator = SystemRandomNumberGenerator()
        let batches = try (0..<20).map { _ in
            try OTLPRequests.traces(count: traces / 20, spansPerTrace: 2, using: &generator)
        }
        for gateway in [gatewayA, gatewayB] {
            for batch in batches {
                #expect(try OTLPRequests.post(batch, to: "\(gateway.url)/v1/traces").status == 200)
            }
        }
        var keptTraceSets: [Set<String>] = []
        for upstream in [upstreamA, upstreamB] {
            // Forwarding is asynchronous: wait until the count stops growing for half a second.
            var previous = -1
            let settled = await waitUntil(timeout: 20) {
                let count = ((try? await upstream.acceptedSpans()) ?? []).count
                defer { previous = count }
                try? await Task.sleep(for: .milliseconds(400))
                return count > 0 && count == previous
            }
            #expect(settled)
            let spans = try await upstream.acceptedSpans()
            let byTrace = Dictionary(grouping: spans) { $0.string("trace_id") ?? "" }
            #expect(byTrace.values.allSatisfy { $0.count == 2 }, "a trace was split")
            let kept = Double(byTrace.count)
            let expected = Double(traces) * 0.25
            let tolerance = 5 * (Double(traces) * 0.25 * 0.75).squareRoot()
            #expect(abs(kept - expected) <= tolerance, "kept \(kept) of \(traces) traces")
            keptTraceSets.append(Set(byTrace.keys))
        }
        #expect(keptTraceSets[0] == keptTraceSets[1], "two gateways decided differently")
        #expect(gatewayA.shutdown() && gatewayB.shutdown())
    }
}

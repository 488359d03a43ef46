import Telemetry

/// The gateway's own counters, exposed on its Prometheus endpoint.
struct GatewayMetrics: Sendable {
    private let requests: Counter
    private let received: Counter
    private let sampledOut: Counter.Series?
    private let refusedPoints: Counter.Series?

    init(collector: MetricsCollector) {
        requests = collector.selfMetricCounter(
            "telemetry_gateway_requests_total", help: "OTLP/HTTP requests by signal and response status",
            labels: ["signal", "status"])
        received = collector.selfMetricCounter(
            "telemetry_gateway_received_items_total", help: "Spans, data points and log records received",
            labels: ["signal"])
        sampledOut = try? collector.selfMetricCounter(
            "telemetry_gateway_sampled_out_spans_total", help: "Received spans dropped by sampling", labels: []
        ).labels([:])
        refusedPoints = try? collector.selfMetricCounter(
            "telemetry_gateway_refused_metric_points_total",
            help: "Received data points not folded for the metric backends (unsupported kind, kind conflict, limits)",
            labels: []
        ).labels([:])
    }

    func request(_ signal: String, status: Int) {
        requests.inc(["signal": signal, "status": String(status)])
    }

    func received(_ count: Int, _ signal: String) {
        received.inc(by: Double(count), ["signal": signal])
    }

    func sampledOut(_ count: Int) {
        sampledOut?.inc(by: Double(count))
    }

    func refusedPoints(_ count: Int) {
        refusedPoints?.inc(by: Double(count))
    }
}

import Telemetry

/// The self-metrics of a `spanmetrics` connector, labelled `connector`:
/// `telemetry_connector_spans_total{outcome}` (`counted` in their own series, `overflow` in an
/// `otel.metric.overflow` series, `no_service_name`: left out, as the Collector does),
/// `telemetry_connector_series` (series held), `telemetry_connector_held_bytes` (what the state holds
/// in the memory budget) and `telemetry_connector_flushes_total{outcome}` (`sent`; `refused`: a
/// downstream pipeline refused, the cumulative state is kept for the next flush; `lost`: a delta flush
/// that could not be handed on, its points counted as dropped by
/// `telemetry_gateway_processor_dropped_items_total{processor=<connector>, signal="metrics"}`).
struct SpanMetricsSelfMetrics: Sendable {
    let connector: String
    private let spans: TelemetryCounter
    private let flushes: TelemetryCounter
    private let series: TelemetryGauge.Series?
    private let heldBytes: TelemetryGauge.Series?

    init(connector: String, collector: MetricsCollector) {
        self.connector = connector
        spans = collector.selfMetricCounter(
            "telemetry_connector_spans_total", help: "Spans a spanmetrics connector took, by outcome (counted, overflow, no_service_name)",
            labels: ["connector", "outcome"])
        flushes = collector.selfMetricCounter(
            "telemetry_connector_flushes_total", help: "Flushes of an aggregating connector, by outcome (sent, refused, lost)",
            labels: ["connector", "outcome"])
        series = try? collector.selfMetricGauge(
            "telemetry_connector_series", help: "Series an aggregating connector holds", labels: ["connector"]
        ).labels(["connector": connector])
        heldBytes = try? collector.selfMetricGauge(
            "telemetry_connector_held_bytes", help: "Bytes an aggregating connector holds in the memory budget", labels: ["connector"]
        ).labels(["connector": connector])
    }

    /// Counts what one request did.
    func spans(counted: Int, overflowed: Int, withoutService: Int) {
        for (outcome, count) in [("counted", counted), ("overflow", overflowed), ("no_service_name", withoutService)] where count > 0 {
            spans.inc(by: Double(count), ["connector": connector, "outcome": outcome])
        }
    }

    /// Counts one flush.
    func flush(_ outcome: String) {
        flushes.inc(["connector": connector, "outcome": outcome])
    }

    /// Sets the state's size.
    func held(series count: Int, bytes: Int) {
        series?.set(Double(count))
        heldBytes?.set(Double(bytes))
    }
}

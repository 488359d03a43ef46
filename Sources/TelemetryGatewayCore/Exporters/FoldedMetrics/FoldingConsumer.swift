import Telemetry
import TelemetryOTLPData

/// Folds received metrics into a store as they arrive (for the Prometheus, StatsD, CloudWatch and
/// Datadog exporters), counting what was folded and what was refused in
/// `telemetry_gateway_folded_points_total{exporter,outcome}` (`folded`, or the refusal reason).
struct FoldingConsumer: PayloadConsumer {
    let store: FoldedMetricsStore
    let exporter: String
    let counter: TelemetryCounter

    init(store: FoldedMetricsStore, exporter: String, selfMetrics: MetricsCollector) {
        self.store = store
        self.exporter = exporter
        counter = selfMetrics.selfMetricCounter(
            "telemetry_gateway_folded_points_total",
            help: "Received data points folded for a metrics backend, or refused (by reason)", labels: ["exporter", "outcome"])
    }

    func consume(_ item: PipelineItem) throws(Refusal) {
        let view: MetricsView
        do throws(OTLPDecodeError) {
            view = try MetricsView(item.payload)
        } catch {
            let (counter, exporter, count) = (counter, exporter, item.itemCount)
            throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
                .countingWhenOverruled { counter.inc(by: Double(count), ["exporter": exporter, "outcome": "memory_limit"]) }
        }
        let outcome = store.fold(view)
        if outcome.accepted > 0 { counter.inc(by: Double(outcome.accepted), ["exporter": exporter, "outcome": "folded"]) }
        for (reason, count) in outcome.refused {
            counter.inc(by: Double(count), ["exporter": exporter, "outcome": reason])
        }
    }
}

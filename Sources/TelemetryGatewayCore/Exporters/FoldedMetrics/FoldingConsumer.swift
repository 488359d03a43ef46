import Logging
import Telemetry
import TelemetryOTLPData

/// Folds received metrics into a store as they arrive (for the Prometheus, StatsD, CloudWatch and
/// Datadog exporters), counting what was folded and what was refused in
/// `telemetry_gateway_folded_points_total{exporter,outcome}` (`folded`, or the refusal reason), and
/// logging (at most every 10 s) points refused because the store is at its memory limit.
struct FoldingConsumer: PayloadConsumer {
    let store: FoldedMetricsStore
    let exporter: String
    let counter: TelemetryCounter
    let log: RateLimitedLogger

    init(store: FoldedMetricsStore, exporter: String, selfMetrics: MetricsCollector, logger: Logger) {
        self.store = store
        self.exporter = exporter
        log = RateLimitedLogger(logger: logger)
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
        if let refused = outcome.refused["memory_limit"] {
            log.log(
                .warning, key: "memory_limit",
                "exporter \(exporter): \(refused) points of new series left out: the folded series hold \(store.bytes) bytes "
                    + "(at most \(store.maxBytes), or what the memory budget has left); series expire after \(store.expiration) without updates")
        }
    }
}

extension MetricsCollector {
    /// The counter `name` for the library's own metrics: registered if possible, otherwise (the
    /// application took the name for another metric) a working but unexported counter, with a warning.
    package func selfMetricCounter(_ name: String, help: String, labels: [String]) -> TelemetryCounter {
        do {
            return try counter(name, help: help, labels: labels)
        } catch {
            issues.warnUnexported(name, error)
            return TelemetryCounter(name: name, help: help, labelNames: labels, cardinalityLimit: cardinalityLimit, issues: nil)
        }
    }

    /// The gauge `name` for the library's own metrics (see `selfMetricCounter`).
    package func selfMetricGauge(_ name: String, help: String, labels: [String]) -> TelemetryGauge {
        do {
            return try gauge(name, help: help, labels: labels)
        } catch {
            issues.warnUnexported(name, error)
            return TelemetryGauge(name: name, help: help, labelNames: labels, cardinalityLimit: cardinalityLimit, issues: nil)
        }
    }

    /// The histogram `name` for the library's own metrics (see `selfMetricCounter`).
    package func selfMetricHistogram(_ name: String, help: String, labels: [String], buckets: [Double]) -> TelemetryHistogram {
        do {
            return try histogram(name, help: help, labels: labels, buckets: buckets)
        } catch {
            issues.warnUnexported(name, error)
            return TelemetryHistogram(
                name: name, help: help, labelNames: labels, buckets: buckets, cardinalityLimit: cardinalityLimit, issues: nil)
        }
    }

    /// Counts (and logs once) a measurement refused before it reached an instrument.
    package func reportRejected(metric: String, reason: String, detail: String) {
        issues.rejected(metric: metric, reason: reason, detail: detail)
    }
}

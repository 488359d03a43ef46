import Logging

/// Counts and logs measurements that were refused or redirected, so none is lost silently.
///
/// Each (metric, reason) pair is logged once; every occurrence is counted in the collector's
/// self-metrics `telemetry_rejected_measurements_total{metric,reason}` and
/// `telemetry_cardinality_overflow_total{metric}`.
final class RecordingIssues: Sendable {
    /// The self-metric counting refused measurements.
    static var rejectedName: String { "telemetry_rejected_measurements_total" }
    /// The self-metric counting measurements sent to an overflow series.
    static var overflowName: String { "telemetry_cardinality_overflow_total" }

    private let rejected: TelemetryCounter
    private let overflow: TelemetryCounter
    private let logger: Logger
    private let loggedKeys = LockedValue(Set<String>())

    init(rejected: TelemetryCounter, overflow: TelemetryCounter, logger: Logger) {
        self.rejected = rejected
        self.overflow = overflow
        self.logger = logger
    }

    func rejected(metric: String, reason: String, detail: String) {
        rejected.inc(["metric": metric, "reason": reason])
        if firstTime("\(metric)\u{0}\(reason)") {
            logger.warning(
                "measurement not recorded: \(detail) (further \(reason) problems for this metric are only counted)",
                metadata: ["metric": "\(metric)", "reason": "\(reason)"])
        }
    }

    func overflowed(metric: String, limit: Int) {
        overflow.inc(["metric": metric])
        if firstTime("\(metric)\u{0}overflow") {
            logger.warning(
                "cardinality limit of \(limit) label sets reached; new label sets go to otel_metric_overflow=\"true\"",
                metadata: ["metric": "\(metric)"])
        }
    }

    func warnUnexported(_ name: String, _ error: any Error) {
        logger.warning("self-metric \(name) is not exported: \(error)")
    }

    private func firstTime(_ key: String) -> Bool {
        loggedKeys.withLock { $0.insert(key).inserted }
    }
}

import TelemetryHTTP
import TelemetryYAML

/// `retry_on_failure`, the Collector's `configretry` keys, read the same way by the gateway's exporters and
/// the application's: `enabled` (`true`; `false` sends once), `initial_interval`, `max_interval`,
/// `max_elapsed_time`, `multiplier` (1–10). Unset keys keep `RetryPolicy`'s defaults (1s, 8s, 30s, ×2 —
/// not the Collector's 5s, 30s, 5m, ×1.5); the jitter is fixed (each wait between half and all of it), so
/// `randomization_factor` is not a key. Attempts are bounded by `max_elapsed_time` (and at most 100).
package enum RetrySettings {
    /// The keys of a `retry_on_failure` section.
    package static let keys = ["enabled", "initial_interval", "max_interval", "max_elapsed_time", "multiplier"]
    /// The most attempts a `retry_on_failure` section allows: the elapsed time is the real bound.
    package static let maxAttempts = 100
    /// The multipliers allowed.
    package static let multipliers: ClosedRange<Double> = 1...10

    /// The policy of a `retry_on_failure` section.
    package static func parse(_ node: ConfigNode) throws(ConfigError) -> RetryPolicy {
        let fields = try node.mapping(allowed: keys)
        guard try fields["enabled"]?.bool() ?? true else { return .none }
        let defaults = RetryPolicy()
        return RetryPolicy(
            maxAttempts: maxAttempts, initialBackoff: try fields["initial_interval"]?.duration() ?? defaults.initialBackoff,
            maxBackoff: try fields["max_interval"]?.duration() ?? defaults.maxBackoff,
            multiplier: try fields["multiplier"]?.double(in: multipliers) ?? defaults.multiplier,
            maxElapsed: try fields["max_elapsed_time"]?.duration() ?? defaults.maxElapsed)
    }
}

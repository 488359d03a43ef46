import TelemetryHTTP
import TelemetryYAML

/// The application format's exporter keys replaced by the gateway's (the Collector's) in 0.2.0; they still
/// work, each use logging a warning, until `removal`. Listed in Config/README.md.
enum ExporterAliases {
    /// The release that no longer accepts them.
    static let removal = "0.3.0"

    /// `statsd.host` → `endpoint: host:port`.
    static let host = DeprecatedKey("host", replacement: "endpoint: host:port", removal: removal)
    /// `statsd.port` → `endpoint: host:port`.
    static let port = DeprecatedKey("port", replacement: "endpoint: host:port", removal: removal)
    /// `datadog.api_key` → `api: {key}`.
    static let apiKey = DeprecatedKey("api_key", replacement: "api.key", removal: removal)
    /// `datadog.site` → `api: {site}`.
    static let site = DeprecatedKey("site", replacement: "api.site", removal: removal)
    /// `datadog.endpoint` → `metrics: {endpoint}`.
    static let datadogEndpoint = DeprecatedKey("endpoint", replacement: "metrics.endpoint", removal: removal)
    /// `otlp.retry` → `retry_on_failure`.
    static let retry = DeprecatedKey(
        "retry", replacement: "retry_on_failure: {initial_interval, max_interval, max_elapsed_time, multiplier}", removal: removal)

    /// The policy of the deprecated `retry` section: `max_attempts`, `initial_backoff`, `max_backoff`,
    /// `max_elapsed`.
    static func retryPolicy(_ node: ConfigNode) throws(ConfigError) -> RetryPolicy {
        let fields = try node.mapping(allowed: ["max_attempts", "initial_backoff", "max_backoff", "max_elapsed"])
        let defaults = RetryPolicy()
        return RetryPolicy(
            maxAttempts: try fields["max_attempts"]?.int(in: 1...100) ?? defaults.maxAttempts,
            initialBackoff: try fields["initial_backoff"]?.duration() ?? defaults.initialBackoff,
            maxBackoff: try fields["max_backoff"]?.duration() ?? defaults.maxBackoff,
            maxElapsed: try fields["max_elapsed"]?.duration() ?? defaults.maxElapsed)
    }
}

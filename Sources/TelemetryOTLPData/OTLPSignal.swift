/// The three OTLP signals, each with its own URL path and `OTEL_EXPORTER_OTLP_<SIGNAL>_*` variables.
public enum OTLPSignal: String, Sendable, Hashable, CaseIterable {
    /// Spans.
    case traces
    /// Metrics.
    case metrics
    /// Log records.
    case logs

    /// The URL path below the endpoint, e.g. `v1/traces`.
    public var path: String { "v1/\(rawValue)" }

    /// What one item of the signal is called in logs: `spans`, `data points`, `log records`.
    public var itemName: String {
        switch self {
        case .traces: "spans"
        case .metrics: "data points"
        case .logs: "log records"
        }
    }

    /// The signal's part of environment variable names, e.g. `TRACES`.
    package var environmentName: String { rawValue.uppercased() }
}

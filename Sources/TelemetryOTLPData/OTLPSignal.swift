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

    /// The signal's part of environment variable names, e.g. `TRACES`.
    package var environmentName: String { rawValue.uppercased() }
}

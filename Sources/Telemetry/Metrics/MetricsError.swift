/// An error thrown when a metric cannot be registered or bound.
///
/// Recording never throws; only setup calls (registering an instrument, binding a series handle) do.
public struct MetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for matching in code.
    public enum Reason: Equatable, Sendable {
        /// The metric name does not match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
        case invalidMetricName
        /// A label name does not match `[a-zA-Z_][a-zA-Z0-9_]*`, starts with `__`, or is reserved for the kind.
        case invalidLabelName
        /// The same label name is declared twice.
        case duplicateLabelName
        /// The name is already registered with another kind, help text, label set, buckets or quantiles.
        case conflictingRegistration
        /// Another family already exposes a sample name this one would expose (e.g. `x_total`, `x_bucket`).
        case sampleNameCollision
        /// Histogram buckets are empty, unsorted, duplicated or not finite.
        case invalidBuckets
        /// Summary quantiles are outside 0...1 or duplicated, or the window is not positive.
        case invalidQuantiles
        /// A configuration value is out of range (for example a cardinality limit below 1).
        case invalidConfiguration
        /// Labels passed to bind a series handle do not match the declared label names.
        case labelMismatch
    }

    /// What went wrong.
    public let reason: Reason
    /// A sentence naming the metric and the offending value.
    public let message: String

    /// Creates an error with a reason and a human-readable message.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The human-readable message.
    public var description: String { message }
}

import Foundation
import Logging
import Telemetry
import TelemetryYAML

/// Everything one YAML file configures for an application: service, sampling, batching, logs, exporters,
/// the Prometheus endpoint and self-metrics. (The gateway has its own, Collector-shaped, format.) Every key and its default is documented in `Config/README.md`.
public struct TelemetryConfiguration: Sendable {
    /// `service.name` and extra resource attributes.
    public var serviceName: String
    /// Resource attributes added to every span and metric.
    public var resourceAttributes: [String: String]
    /// Which traces are kept.
    public var sampler: Sampler
    /// Span queueing and batching.
    public var batch: BatchConfiguration
    /// The swift-log records exported as OpenTelemetry logs.
    public var logs: LogsConfiguration
    /// How often metrics are collected and exported.
    public var metricsInterval: Duration
    /// Where telemetry goes; several of one type are allowed.
    public var exporters: [ExporterConfiguration]
    /// The Prometheus `/metrics` endpoint, or `nil` when disabled.
    public var prometheus: PrometheusEndpointConfiguration?
    /// Whether the pipeline's own metrics are exposed on the Prometheus endpoint.
    public var selfMetrics: Bool
    /// Deprecated keys used, each located and naming its replacement (`TelemetryPipeline` logs them).
    public var warnings: [ConfigError] = []

    /// Reads and checks `path`.
    ///
    /// - Parameter environment: for `${VAR}` substitution (the process environment by default).
    /// - Throws: `ConfigError` naming the file, key path and line.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> TelemetryConfiguration {
        try parse(yaml: try ConfigDocument.contents(of: path), file: path, environment: environment)
    }

    /// Parses and checks YAML text; `file` names it in errors.
    public static func parse(
        yaml: String, file: String = "<config>", environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> TelemetryConfiguration {
        try ConfigurationParser.parse(ConfigDocument.root(yaml: yaml, file: file, environment: environment))
    }
}

/// Which swift-log records become OpenTelemetry log records, and how they are batched.
public struct LogsConfiguration: Sendable, Equatable {
    /// The lowest level recorded (`info` by default).
    public var level: Logger.Level
    /// Queueing and batching (OpenTelemetry's log defaults: 2048, 512, 1 s, 30 s).
    public var batch: BatchConfiguration

    /// Creates the settings.
    public init(level: Logger.Level = .info, batch: BatchConfiguration = .logDefaults) {
        self.level = level
        self.batch = batch
    }
}

/// The Prometheus endpoint.
public struct PrometheusEndpointConfiguration: Sendable, Equatable {
    /// The address to listen on.
    public var host: String
    /// The port.
    public var port: Int
    /// The metric name prefix.
    public var prefix: String
    /// Where the endpoint is configured, to locate an error when it cannot be bound.
    package var location: ConfigLocation
}

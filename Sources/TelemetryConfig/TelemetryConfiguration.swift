import Foundation
import Telemetry
import Yams

/// Everything one YAML file configures: service, receiver, sampling, batching, exporters, the Prometheus
/// endpoint and self-metrics. Every key and its default is documented in `Config/README.md`.
public struct TelemetryConfiguration: Sendable {
    /// `service.name` and extra resource attributes.
    public var serviceName: String
    /// Resource attributes added to every span and metric.
    public var resourceAttributes: [String: String]
    /// The OTLP/HTTP receiver (used by the gateway).
    public var receiver: ReceiverConfiguration
    /// Which traces are kept.
    public var sampler: Sampler
    /// Span queueing and batching.
    public var batch: BatchConfiguration
    /// How often metrics are collected and exported.
    public var metricsInterval: Duration
    /// Where telemetry goes; several of one type are allowed.
    public var exporters: [ExporterConfiguration]
    /// The Prometheus `/metrics` endpoint, or `nil` when disabled.
    public var prometheus: PrometheusEndpointConfiguration?
    /// Whether the pipeline's own metrics are exposed on the Prometheus endpoint.
    public var selfMetrics: Bool

    /// Reads and checks `path`.
    ///
    /// - Parameter environment: for `${VAR}` substitution (the process environment by default).
    /// - Throws: `ConfigError` naming the file, key path and line.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> TelemetryConfiguration {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, path: "", line: 0, column: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: yaml, file: path, environment: environment)
    }

    /// Parses and checks YAML text; `file` names it in errors.
    public static func parse(
        yaml: String, file: String = "<config>", environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> TelemetryConfiguration {
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            let (line, column) = Self.location(of: error)
            throw ConfigError(file: file, path: "", line: line, column: column, message: "invalid YAML: \(error)")
        }
        guard let document else {
            throw ConfigError(file: file, path: "", line: 0, column: 0, message: "the file is empty")
        }
        let root = ConfigNode(node: document, path: "", file: file, environment: environment)
        return try ConfigurationParser.parse(root)
    }

    private static func location(of error: any Error) -> (Int, Int) {
        if let yamlError = error as? YamlError, case .parser(_, _, let mark, _) = yamlError { return (mark.line, mark.column) }
        if let yamlError = error as? YamlError, case .scanner(_, _, let mark, _) = yamlError { return (mark.line, mark.column) }
        return (0, 0)
    }
}

/// The gateway's OTLP/HTTP receiver.
public struct ReceiverConfiguration: Sendable, Equatable {
    /// The address to listen on (127.0.0.1 unless configured).
    public var host: String
    /// The port.
    public var port: Int
    /// The largest request body, compressed or not (20 MiB by default).
    public var maxBodyBytes: Int
    /// A bearer token every request must present, or `nil` for none.
    public var bearerToken: String?
}

/// The Prometheus endpoint.
public struct PrometheusEndpointConfiguration: Sendable, Equatable {
    /// The address to listen on.
    public var host: String
    /// The port.
    public var port: Int
    /// The metric name prefix.
    public var prefix: String
}

import Logging
import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// A gateway configuration in the Collector's shape: `receivers`, `processors` and `exporters` keyed by
/// `type[/name]`, and `service.pipelines` wiring them per signal. Every key is documented in
/// Config/README.md.
public struct GatewayConfiguration: Sendable {
    /// One pipeline: the receivers feeding it, its processors in order, its exporters.
    public struct Pipeline: Sendable {
        /// Its id (`traces`, `metrics/folded`…).
        public let id: ComponentID
        /// Its signal.
        public let signal: OTLPSignal
        /// Receivers feeding it.
        public let receivers: [ComponentID]
        /// Processors, in order.
        public let processors: [ComponentID]
        /// Exporters (and connectors) it fans out to.
        public let exporters: [ComponentID]
        /// Where it is configured.
        public let source: ConfigLocation
    }

    /// The file it came from (for messages).
    public let file: String
    /// Configured receivers.
    public let receivers: [ComponentID: ReceiverDefinition]
    /// Configured processors.
    public let processors: [ComponentID: ProcessorDefinition]
    /// Configured exporters.
    public let exporters: [ComponentID: ExporterDefinition]
    /// Configured connectors.
    public let connectors: [ComponentID: ConnectorDefinition]
    /// The pipelines, each after the pipelines that feed it through connectors, in file order otherwise.
    public let pipelines: [Pipeline]
    /// The service's own telemetry.
    public let telemetry: ServiceTelemetrySettings
    /// Components defined but not used by any pipeline (not an error; worth a warning).
    public let warnings: [ConfigError]

    /// The pipelines as a graph, one line each: `traces: otlp → memory_limiter → batch → otlp/upstream, debug`;
    /// connectors are marked (`spanmetrics (connector)`) and each used connector gets a line of its own
    /// with the pipelines it joins: `connector spanmetrics: traces → metrics/red`.
    public var graph: String {
        func names(_ ids: [ComponentID]) -> String {
            ids.map { connectors[$0] == nil ? $0.description : "\($0) (connector)" }.joined(separator: ", ")
        }
        let lines = pipelines.map { pipeline in
            let stages = [names(pipeline.receivers)] + pipeline.processors.map(\.description) + [names(pipeline.exporters)]
            return "\(pipeline.id): " + stages.joined(separator: " → ")
        }
        let joins = connectors.keys.sorted().compactMap { id -> String? in
            let from = pipelines.filter { $0.exporters.contains(id) }.map(\.id.description)
            let to = pipelines.filter { $0.receivers.contains(id) }.map(\.id.description)
            guard !from.isEmpty, !to.isEmpty else { return nil }
            return "connector \(id): \(from.joined(separator: ", ")) → \(to.joined(separator: ", "))"
        }
        return (lines + joins).joined(separator: "\n")
    }
}

/// The service's own telemetry (`service.telemetry`).
public struct ServiceTelemetrySettings: Sendable, Equatable {
    /// Where the self-metrics are served (`metrics.address`), or `nil` for nowhere (`metrics.level: none`).
    public var metricsHost: String? = "127.0.0.1"
    /// The self-metrics port.
    public var metricsPort = 8888
    /// The log level (`logs.level`).
    public var logLevel: Logger.Level = .info

    /// The defaults: self-metrics on 127.0.0.1:8888, info logs.
    public init() {}
}

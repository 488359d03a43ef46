import Telemetry
import TelemetryConfig
import TelemetryYAML
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData

/// `otlp`'s settings (also the load balancer's `protocol.otlp` template).
public struct OTLPExporterSettings: Sendable {
    /// The OTLP transport.
    public enum Transport: Sendable, Equatable {
        /// OTLP/HTTP to `endpoint` (a URL; `/v1/<signal>` is appended).
        case http
        /// OTLP/gRPC to `host:port`, over TLS unless `plaintext`.
        case grpc(host: String, port: Int, plaintext: Bool)
    }

    /// The endpoint as configured: the base URL for HTTP (`/v1/<signal>` is appended), `host:port` or a
    /// URL for gRPC.
    public var endpoint: String
    /// HTTP or gRPC.
    public var transport = Transport.http
    /// The CAs trusted, the client certificate, and whether to verify.
    public var tls = ClientTLS()
    /// Extra request headers (values never logged).
    public var headers: [String: String] = [:]
    /// Request compression.
    public var compression: OTLPExporter.Compression = .gzip
    /// The gzip level of OTLP/HTTP requests, 1 (fastest) to 12 (smallest).
    public var gzipLevel = 1
    /// The timeout of each request.
    public var timeout: Duration = .seconds(10)
    /// How failed requests are retried.
    public var retry = RetryPolicy()
    /// The most bytes waiting per signal (in memory).
    public var queueBytes = QueueSettings.defaultMemoryBytes
    /// When set, each signal's queue is kept on disk with these settings instead of in memory.
    public var diskQueue: DiskQueueSettings?
    /// The extension named by `auth.authenticator` (a `headers_setter`), with where.
    public var authenticator: (id: ComponentID, source: ConfigLocation)?

    /// Settings for `endpoint` with the defaults.
    public init(endpoint: String) {
        self.endpoint = endpoint
    }
}

extension OTLPExporterSettings {
    /// The settings of an `otlp` section: `endpoint` and `protocol` (when `endpointKey`; the load
    /// balancer's `protocol: otlp` gets its endpoints from its resolver and speaks HTTP), `tls`,
    /// `headers`, `compression`, `compression_level` (gzip 1–12, OTLP/HTTP only), `timeout`,
    /// `retry_on_failure`, `sending_queue`, and `auth.authenticator` (when `endpointKey`).
    static func parse(_ node: ConfigNode, endpointKey: Bool) throws(ConfigError) -> OTLPExporterSettings {
        let keys = ["headers", "compression", "compression_level", "timeout", "retry_on_failure", "sending_queue", "tls"]
        let fields = try node.mapping(allowed: endpointKey ? ["endpoint", "protocol", "auth"] + keys : keys)
        let grpc = try fields["protocol"]?.choice(["http", "grpc"]) == "grpc"
        let tls = try fields["tls"].map { node throws(ConfigError) in try ClientTLSSettings.parse(node, grpc: grpc) }
        var settings: OTLPExporterSettings
        if grpc, let endpoint = fields["endpoint"] {
            let text = try endpoint.string()
            guard let target = OTLPGRPCClientSettings.target(text, insecure: tls?.insecure ?? false) else {
                throw endpoint.error("give host:port, http://host:port (plaintext) or https://host:port")
            }
            settings = OTLPExporterSettings(endpoint: text)
            settings.transport = .grpc(host: target.host, port: target.port, plaintext: target.plaintext)
        } else {
            settings = OTLPExporterSettings(endpoint: endpointKey ? try EndpointSettings.url(try fields.required("endpoint")) : "")
        }
        settings.tls = tls?.client ?? ClientTLS()
        settings.headers = try fields["headers"].map { node throws(ConfigError) in try HeaderSettings.parse(node, grpc: grpc) } ?? [:]
        if let compression = fields["compression"] {
            settings.compression = try compression.choice(["gzip", "none"]) == "gzip" ? .gzip : .none
        }
        if let level = fields["compression_level"] {
            guard !grpc else { throw level.error("compression_level applies to OTLP/HTTP; gRPC uses its transport's gzip level") }
            settings.gzipLevel = try level.int(in: Gzip.levels)
        }
        if let timeout = fields["timeout"] { settings.timeout = try timeout.duration() }
        if let retry = fields["retry_on_failure"] { settings.retry = try RetrySettings.parse(retry) }
        if let auth = fields["auth"] {
            let authenticator = try auth.mapping(allowed: ["authenticator"]).required("authenticator")
            let text = try authenticator.string()
            guard let id = ComponentID(text) else { throw authenticator.error("\"\(text)\" is not a valid id (type or type/name)") }
            settings.authenticator = (id, authenticator.location)
        }
        if let node = fields["sending_queue"] {
            let queue = try QueueSettings.parse(node)
            settings.queueBytes = queue.memoryBytes
            settings.diskQueue = queue.disk
        }
        return settings
    }
}

/// Makes `otlp` (alias `otlphttp`) exporters.
enum OTLPExporterFactory {
    /// `otlp` / `otlphttp`: `endpoint` (required), `protocol` (`http`, the default, or `grpc`), `tls`,
    /// `headers`, `compression` (`gzip`, `none`), `timeout`, `retry_on_failure` (`enabled`,
    /// `initial_interval`, `max_interval`, `max_elapsed_time`, `multiplier`), `sending_queue`,
    /// `auth.authenticator` (a `headers_setter` extension).
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        guard !node.isEmpty else { throw node.error("give an endpoint") }
        let configured = try OTLPExporterSettings.parse(node, endpointKey: true)
        var definition = ExporterDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            OTLPForwardingExporter(
                name: context.id.description, settings: configured, selfMetrics: context.selfMetrics, transports: context.transports,
                logger: context.logger, headersSetter: context.headersSetter)
        }
        definition.authenticator = configured.authenticator
        if configured.diskQueue != nil { definition.diskQueueRequestLimit = SegmentRecordFormat.maxPayloadBytes }
        return definition
    }
}

import Telemetry
import TelemetryConfig
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
    public var queueBytes = 64 << 20
    /// When set, each signal's queue is kept on disk with these settings instead of in memory.
    public var diskQueue: DiskQueueSettings?

    /// Settings for `endpoint` with the defaults.
    public init(endpoint: String) {
        self.endpoint = endpoint
    }
}

extension OTLPExporterSettings {
    /// The settings of an `otlp` section: `endpoint` and `protocol` (when `endpointKey`; the load
    /// balancer's `protocol: otlp` gets its endpoints from its resolver and speaks HTTP), `tls`,
    /// `headers`, `compression`, `compression_level` (gzip 1–12, OTLP/HTTP only), `timeout`,
    /// `retry_on_failure`, `sending_queue`.
    static func parse(_ node: ConfigNode, endpointKey: Bool) throws(ConfigError) -> OTLPExporterSettings {
        let keys = ["headers", "compression", "compression_level", "timeout", "retry_on_failure", "sending_queue", "tls"]
        let fields = try node.mapping(allowed: endpointKey ? ["endpoint", "protocol"] + keys : keys)
        let grpc = try fields["protocol"]?.choice(["http", "grpc"]) == "grpc"
        let tls = try fields["tls"].map { node throws(ConfigError) in try clientTLS(node, grpc: grpc) }
        var settings: OTLPExporterSettings
        if grpc, let endpoint = fields["endpoint"] {
            let text = try endpoint.string()
            guard let target = OTLPGRPCClientSettings.target(text, insecure: tls?.insecure ?? false) else {
                throw endpoint.error("give host:port, http://host:port (plaintext) or https://host:port")
            }
            settings = OTLPExporterSettings(endpoint: text)
            settings.transport = .grpc(host: target.host, port: target.port, plaintext: target.plaintext)
        } else {
            settings = OTLPExporterSettings(endpoint: endpointKey ? try fields.required("endpoint").url() : "")
        }
        settings.tls = tls?.client ?? ClientTLS()
        settings.headers = try fields["headers"].map { node throws(ConfigError) in try headers(node, grpc: grpc) } ?? [:]
        if let compression = fields["compression"] {
            settings.compression = try compression.choice(["gzip", "none"]) == "gzip" ? .gzip : .none
        }
        if let level = fields["compression_level"] {
            guard !grpc else { throw level.error("compression_level applies to OTLP/HTTP; gRPC uses its transport's gzip level") }
            settings.gzipLevel = try level.int(in: Gzip.levels)
        }
        if let timeout = fields["timeout"] { settings.timeout = try timeout.duration() }
        if let retry = fields["retry_on_failure"] { settings.retry = try retryPolicy(retry) }
        if let queue = fields["sending_queue"] { try sendingQueue(queue, into: &settings) }
        return settings
    }

    /// `sending_queue`: `max_bytes` (per signal), `storage` (`memory`, the default, or `disk`), and for
    /// disk `directory` (required), `fsync` (`always`, `interval`, `never`), `fsync_interval`,
    /// `when_full` (`block`, `drop_newest`, `drop_oldest`), `segment_bytes`.
    private static func sendingQueue(_ node: ConfigNode, into settings: inout OTLPExporterSettings) throws(ConfigError) {
        let fields = try node.mapping(
            allowed: ["max_bytes", "queue_size", "storage", "directory", "fsync", "fsync_interval", "when_full", "segment_bytes"])
        if let size = fields["queue_size"] {
            throw size.error("the Collector's queue_size counts requests; give max_bytes (the bytes waiting per signal)")
        }
        let maxBytes = try fields["max_bytes"]?.int(in: 4096...(1 << 50))
        guard try fields["storage"]?.choice(["memory", "disk"]) == "disk" else {
            for key in ["directory", "fsync", "fsync_interval", "when_full", "segment_bytes"] {
                if let node = fields[key] { throw node.error("\(key) applies to storage: disk only") }
            }
            if let maxBytes { settings.queueBytes = maxBytes }
            return
        }
        var disk = DiskQueueSettings(directory: try fields.required("directory").string())
        if let maxBytes { disk.maxBytes = maxBytes }
        if let fsync = fields["fsync"] {
            disk.fsync = DiskQueueSettings.FsyncPolicy(rawValue: try fsync.choice(["always", "interval", "never"])) ?? .always
        }
        if let interval = fields["fsync_interval"] { disk.fsyncInterval = try interval.duration() }
        if let whenFull = fields["when_full"] {
            disk.whenFull = DiskQueueSettings.WhenFull(rawValue: try whenFull.choice(["block", "drop_newest", "drop_oldest"])) ?? .block
        }
        if let segment = fields["segment_bytes"] { disk.segmentBytes = try segment.int(in: 4096...(1 << 30)) }
        settings.diskQueue = disk
    }

    /// `headers` (HTTP tokens and values without control characters); for gRPC metadata, not the reserved
    /// `grpc-…` names.
    private static func headers(_ node: ConfigNode, grpc: Bool) throws(ConfigError) -> [String: String] {
        let headers = try node.headerMap()
        if grpc, let reserved = headers.keys.first(where: { $0.lowercased().hasPrefix("grpc-") }) {
            throw node.error("header \"\(reserved)\": grpc- names are reserved by gRPC")
        }
        return headers
    }

    /// An exporter's `tls`: `ca_file`, `cert_file` and `key_file` (both or neither; every file must be
    /// readable), `insecure_skip_verify`, and for gRPC `insecure` (plaintext).
    private static func clientTLS(_ node: ConfigNode, grpc: Bool) throws(ConfigError) -> (client: ClientTLS, insecure: Bool) {
        let fields = try node.mapping(allowed: ["ca_file", "cert_file", "key_file", "insecure", "insecure_skip_verify"])
        let insecure = try fields["insecure"]?.bool() ?? false
        if insecure, !grpc, let key = fields["insecure"] {
            throw key.error("insecure applies to protocol: grpc; for HTTP the endpoint's scheme (http:// or https://) decides")
        }
        let certificate = try fields["cert_file"]?.readableFile()
        let key = try fields["key_file"]?.readableFile()
        if (certificate == nil) != (key == nil) {
            throw node.error("give both cert_file and key_file for a client certificate, or neither")
        }
        let client = ClientTLS(
            caFile: try fields["ca_file"]?.readableFile(),
            certificateFile: certificate, keyFile: key, insecureSkipVerify: try fields["insecure_skip_verify"]?.bool() ?? false)
        return (client, insecure)
    }

    private static func retryPolicy(_ node: ConfigNode) throws(ConfigError) -> RetryPolicy {
        let fields = try node.mapping(allowed: ["enabled", "initial_interval", "max_interval", "max_elapsed_time", "multiplier"])
        guard try fields["enabled"]?.bool() ?? true else { return .none }
        let defaults = RetryPolicy()
        let maxElapsed = try fields["max_elapsed_time"]?.duration() ?? defaults.maxElapsed
        return RetryPolicy(
            maxAttempts: 100, initialBackoff: try fields["initial_interval"]?.duration() ?? defaults.initialBackoff,
            maxBackoff: try fields["max_interval"]?.duration() ?? defaults.maxBackoff,
            multiplier: try fields["multiplier"]?.double(in: 1...10) ?? defaults.multiplier, maxElapsed: maxElapsed)
    }
}

/// Makes `otlp` (alias `otlphttp`) exporters.
enum OTLPExporterFactory {
    /// `otlp` / `otlphttp`: `endpoint` (required), `protocol` (`http`, the default, or `grpc`), `tls`,
    /// `headers`, `compression` (`gzip`, `none`), `timeout`, `retry_on_failure` (`enabled`,
    /// `initial_interval`, `max_interval`, `max_elapsed_time`, `multiplier`), `sending_queue`.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        guard !node.isEmpty else { throw node.error("give an endpoint") }
        let configured = try OTLPExporterSettings.parse(node, endpointKey: true)
        var definition = ExporterDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            OTLPForwardingExporter(
                name: context.id.description, settings: configured, selfMetrics: context.selfMetrics, transports: context.transports,
                logger: context.logger)
        }
        if configured.diskQueue != nil { definition.diskQueueRequestLimit = SegmentRecordFormat.maxPayloadBytes }
        return definition
    }
}

import Telemetry
import TelemetryConfig
import TelemetryExporters
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData

/// How each exporter type reads its section.
enum ExporterDefinitions {
    /// `otlp` / `otlphttp`: `endpoint` (required), `protocol` (`http`, the default, or `grpc`), `tls`,
    /// `headers`, `compression` (`gzip`, `none`), `timeout`, `retry_on_failure` (`enabled`,
    /// `initial_interval`, `max_interval`, `max_elapsed_time`, `multiplier`), `sending_queue`.
    static func otlp(_ node: ConfigNode?) throws(ConfigError) -> ExporterDefinition {
        guard let node else { throw ConfigError(file: "", path: "otlp", line: 0, column: 0, message: "give an endpoint") }
        let configured = try forwardingSettings(node, endpointKey: true)
        var definition = ExporterDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            OTLPForwardingExporter(
                name: context.id.description, settings: configured, selfMetrics: context.selfMetrics, transports: context.transports,
                logger: context.logger)
        }
        if configured.diskQueue != nil { definition.diskQueueRequestLimit = SegmentRecordFormat.maxPayloadBytes }
        return definition
    }

    /// The settings of an `otlp` section: `endpoint` and `protocol` (when `endpointKey`; the load
    /// balancer's `protocol: otlp` gets its endpoints from its resolver and speaks HTTP), `tls`,
    /// `headers`, `compression`, `compression_level` (gzip 1–12, OTLP/HTTP only), `timeout`,
    /// `retry_on_failure`, `sending_queue`.
    static func forwardingSettings(_ node: ConfigNode, endpointKey: Bool) throws(ConfigError) -> OTLPForwardingExporter.Settings {
        let keys = ["headers", "compression", "compression_level", "timeout", "retry_on_failure", "sending_queue", "tls"]
        let fields = try node.mapping(allowed: endpointKey ? ["endpoint", "protocol"] + keys : keys)
        let grpc = try fields["protocol"]?.choice(["http", "grpc"]) == "grpc"
        let tls = try fields["tls"].map { node throws(ConfigError) in try clientTLS(node, grpc: grpc) }
        var settings: OTLPForwardingExporter.Settings
        if grpc, let endpoint = fields["endpoint"] {
            let text = try endpoint.string()
            guard let target = OTLPGRPCClientSettings.target(text, insecure: tls?.insecure ?? false) else {
                throw endpoint.error("give host:port, http://host:port (plaintext) or https://host:port")
            }
            settings = OTLPForwardingExporter.Settings(endpoint: text)
            settings.transport = .grpc(host: target.host, port: target.port, plaintext: target.plaintext)
        } else {
            settings = OTLPForwardingExporter.Settings(endpoint: endpointKey ? try fields.required("endpoint").url() : "")
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
    private static func sendingQueue(_ node: ConfigNode, into settings: inout OTLPForwardingExporter.Settings) throws(ConfigError) {
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

    /// `debug`: `verbosity` (`basic` or `detailed`).
    static func debug(_ node: ConfigNode?) throws(ConfigError) -> ExporterDefinition {
        var verbosity = DebugForwardingExporter.Verbosity.basic
        if let node, case .mapping = node.node {
            let fields = try node.mapping(allowed: ["verbosity"])
            if let level = fields["verbosity"] {
                verbosity = DebugForwardingExporter.Verbosity(rawValue: try level.choice(["basic", "detailed"])) ?? .basic
            }
        }
        let level = verbosity
        return ExporterDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            DebugForwardingExporter(
                name: context.id.description, verbosity: level, budget: context.budget, selfMetrics: context.selfMetrics,
                logger: context.logger)
        }
    }

    /// `prometheus`: `endpoint` (host:port, required), `namespace`, `metric_expiration`.
    static func prometheus(_ node: ConfigNode?) throws(ConfigError) -> ExporterDefinition {
        guard let node else { throw ConfigError(file: "", path: "prometheus", line: 0, column: 0, message: "give an endpoint") }
        let fields = try node.mapping(allowed: ["endpoint", "namespace", "metric_expiration"])
        let (host, port) = try fields.required("endpoint").hostAndPort()
        let namespace = try fields["namespace"]?.string() ?? ""
        let expiration = try fields["metric_expiration"]?.duration() ?? .seconds(300)
        return ExporterDefinition(signals: [.metrics]) { context throws(GatewayError) in
            try PrometheusFoldingExporter(
                name: context.id.description, host: host, port: port, namespace: namespace, expiration: expiration,
                budget: context.budget, selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }

    /// `statsd`: `endpoint` (host:port, required), `prefix`, `dogstatsd_tags`, `max_datagram_bytes`, `interval`.
    static func statsd(_ node: ConfigNode?) throws(ConfigError) -> ExporterDefinition {
        guard let node else { throw ConfigError(file: "", path: "statsd", line: 0, column: 0, message: "give an endpoint") }
        let fields = try node.mapping(allowed: ["endpoint", "prefix", "dogstatsd_tags", "max_datagram_bytes", "interval", "metric_expiration"])
        let (host, port) = try fields.required("endpoint").hostAndPort()
        let prefix = try fields["prefix"]?.string() ?? ""
        let tags = try fields["dogstatsd_tags"]?.bool() ?? true
        let datagram = try fields["max_datagram_bytes"]?.int(in: 64...65_507) ?? 1432
        return try push(fields) { context in
            StatsDExporter(
                host: host, port: port, prefix: prefix, dogStatsDTags: tags, maxDatagramBytes: datagram, name: context.id.description,
                selfMetrics: context.selfMetrics)
        }
    }

    /// `cloudwatch`: `namespace` and `region` (required), `endpoint`, `interval`; credentials from `AWS_*`.
    static func cloudwatch(_ node: ConfigNode?) throws(ConfigError) -> ExporterDefinition {
        guard let node else { throw ConfigError(file: "", path: "cloudwatch", line: 0, column: 0, message: "give namespace and region") }
        let fields = try node.mapping(allowed: ["namespace", "region", "endpoint", "interval", "metric_expiration"])
        let namespace = try fields.required("namespace").string()
        let region = try fields.required("region").string()
        let endpoint = try fields["endpoint"]?.url()
        return try push(fields) { context in
            CloudWatchExporter(
                namespace: namespace, region: region, endpoint: endpoint, name: context.id.description,
                selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }

    /// `datadog`: `api.key` (required, never empty), `api.site`, `app_key`, `metrics.endpoint`, `prefix`, `interval`.
    static func datadog(_ node: ConfigNode?) throws(ConfigError) -> ExporterDefinition {
        guard let node else { throw ConfigError(file: "", path: "datadog", line: 0, column: 0, message: "give api.key") }
        let fields = try node.mapping(allowed: ["api", "app_key", "metrics", "prefix", "interval", "metric_expiration"])
        let api = try fields.required("api").mapping(allowed: ["key", "site"])
        let key = try api.required("key").secret()
        let site = try api["site"]?.string() ?? "datadoghq.com"
        let appKey = try fields["app_key"]?.secret() ?? ""
        let endpoint = try fields["metrics"]?.mapping(allowed: ["endpoint"])["endpoint"]?.url()
        let prefix = try fields["prefix"]?.string() ?? ""
        return try push(fields) { context in
            DatadogExporter(
                apiKey: key, appKey: appKey, prefix: prefix, site: site, endpoint: endpoint, name: context.id.description,
                selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }

    private static func push(
        _ fields: ConfigMapping, _ make: @escaping @Sendable (BuildContext) -> any MetricsExporter
    ) throws(ConfigError) -> ExporterDefinition {
        let interval = try fields["interval"]?.duration() ?? .seconds(60)
        let expiration = try fields["metric_expiration"]?.duration() ?? .seconds(300)
        return ExporterDefinition(signals: [.metrics]) { context throws(GatewayError) in
            PushFoldingExporter(
                name: context.id.description, exporter: make(context), interval: interval, expiration: expiration,
                budget: context.budget, selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }
}

import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// `loadbalancing`'s settings, in the Collector's shape: `routing_key` (`traceID`, the default, or
/// `service`), `protocol: {otlp: {...}}` (the OTLP/HTTP settings of `otlp` without `endpoint`: tls, timeout,
/// compression, headers, retry_on_failure, sending_queue with a memory queue) and `resolver` with
/// exactly one of `static: {hostnames: [host:port | URL, ...]}` or `dns: {hostname, port (4318),
/// interval (5s), timeout (accepted; the system resolver's own timeouts apply)}`.
struct LoadBalancingExporterSettings: Sendable {
    /// What picks the endpoint: the trace id or the service name.
    var routingKey = LoadBalancingExporter.RoutingKey.traceID
    /// The OTLP/HTTP settings every endpoint's exporter gets (`endpoint` aside).
    var template = OTLPExporterSettings(endpoint: "")
    /// Where the endpoints come from.
    var resolver: EndpointResolver

    /// Reads a `loadbalancing` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> LoadBalancingExporterSettings {
        guard !node.isEmpty else { throw node.error("give a resolver") }
        let fields = try node.mapping(allowed: ["routing_key", "protocol", "resolver"])
        var settings = LoadBalancingExporterSettings(resolver: try resolver(try fields.required("resolver")))
        let key = try fields["routing_key"]?.choice(["traceID", "service"]) ?? "traceID"
        settings.routingKey = LoadBalancingExporter.RoutingKey(rawValue: key) ?? .traceID
        if let transport = fields["protocol"] {
            let protocols = try transport.mapping(allowed: ["otlp"])
            if let otlp = protocols["otlp"] { settings.template = try OTLPExporterSettings.parse(otlp, endpointKey: false) }
            if settings.template.diskQueue != nil, let otlp = protocols["otlp"] {
                throw otlp.error("sending_queue storage: disk is not supported here: a removed endpoint's queue is re-routed from memory")
            }
        }
        return settings
    }

    private static func resolver(_ node: ConfigNode) throws(ConfigError) -> EndpointResolver {
        let fields = try node.mapping(allowed: ["static", "dns"])
        switch (fields["static"], fields["dns"]) {
        case (let fixed?, nil):
            let hostnames = try fixed.mapping(allowed: ["hostnames"]).required("hostnames")
            var endpoints: [String] = []
            for entry in try hostnames.sequence() {
                let text = try entry.string()
                guard !text.isEmpty, !text.contains(" ") else { throw entry.error("expected host:port or a URL") }
                endpoints.append(EndpointResolver.endpoint(text))
            }
            guard !endpoints.isEmpty else { throw hostnames.error("give at least one hostname") }
            return .fixed(endpoints)
        case (nil, let dns?):
            let settings = try dns.mapping(allowed: ["hostname", "port", "interval", "timeout"])
            _ = try settings["timeout"]?.duration()
            return .dns(
                hostname: try settings.required("hostname").string(), port: try settings["port"]?.int(in: 1...65535) ?? 4318,
                interval: try settings["interval"]?.duration() ?? .seconds(5))
        default:
            throw node.error("give exactly one of static or dns")
        }
    }
}

/// Makes `loadbalancing` exporters.
enum LoadBalancingExporterFactory {
    /// The definition of a `loadbalancing` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        let settings = try LoadBalancingExporterSettings.parse(node)
        return ExporterDefinition(signals: [.traces, .metrics]) { context throws(GatewayError) in
            LoadBalancingExporter.start(
                name: context.id.description, routingKey: settings.routingKey, template: settings.template, resolver: settings.resolver,
                budget: context.budget, selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }
}

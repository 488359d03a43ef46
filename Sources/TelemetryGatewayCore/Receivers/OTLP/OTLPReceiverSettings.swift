import TelemetryYAML
import TelemetryOTLPData

/// `otlp` receiver's settings: `protocols.http` and/or `protocols.grpc` (see `OTLPHTTPSettings` and
/// `OTLPGRPCSettings`); an empty section means OTLP/HTTP on its defaults.
struct OTLPReceiverSettings: Sendable {
    /// OTLP/HTTP, when configured.
    var http: OTLPHTTPSettings?
    /// OTLP/gRPC, when configured.
    var grpc: OTLPGRPCSettings?
    /// The largest request of each protocol, and the key that set it.
    var requestLimits: [RequestSizeLimit]

    /// Reads `receivers.otlp[/name]` (empty: HTTP on its defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> OTLPReceiverSettings {
        var http: OTLPHTTPSettings?
        var grpc: OTLPGRPCSettings?
        var limits: [RequestSizeLimit] = []
        if !node.isEmpty {
            let fields = try node.mapping(allowed: ["protocols"])
            let protocols = try fields.required("protocols").mapping(allowed: ["http", "grpc"])
            if let section = protocols["grpc"] {
                let settings = try OTLPGRPCSettings.parse(section)
                grpc = settings
                limits.append(RequestSizeLimit(bytes: settings.maxMessageBytes, source: section.source(of: "max_recv_msg_size_mib")))
            }
            if let section = protocols["http"] {
                let settings = try OTLPHTTPSettings.parse(section)
                http = settings
                limits.append(RequestSizeLimit(bytes: settings.maxBodyBytes, source: section.source(of: "max_request_body_size")))
            }
        } else {
            http = OTLPHTTPSettings()
        }
        guard http != nil || grpc != nil else {
            throw node.error("give at least one protocol (http, grpc)")
        }
        return OTLPReceiverSettings(http: http, grpc: grpc, requestLimits: limits)
    }
}

/// Makes `otlp` receivers.
enum OTLPReceiverFactory {
    /// The definition of an `otlp` receiver section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ReceiverDefinition {
        let settings = try OTLPReceiverSettings.parse(node)
        return ReceiverDefinition(signals: Set(OTLPSignal.allCases), requestLimits: settings.requestLimits) {
            context, pipelines, decoded throws(GatewayError) in
            try OTLPReceiver(
                name: context.id.description, http: settings.http, grpc: settings.grpc, context: context, pipelines: pipelines,
                decoded: decoded)
        }
    }
}

extension ConfigNode {
    /// Where `key` of this section is set (the section itself when it is not), for a later error.
    func source(of key: String) -> ConfigLocation {
        if isMapping, let fields = try? mapping(allowed: nil), let value = fields[key] { return value.location }
        return location
    }
}

extension ConfigMapping {
    /// `max_decoded_bytes` and `max_nesting_depth` of a receiver protocol, over the defaults.
    func decodeLimits() throws(ConfigError) -> DecodeLimits {
        var limits = DecodeLimits()
        if let limit = self["max_decoded_bytes"] { limits.maxDecodedBytes = try limit.int(in: (1 << 20)...(1 << 40)) }
        if let depth = self["max_nesting_depth"] { limits.maxDepth = try depth.int(in: 8...1000) }
        return limits
    }
}

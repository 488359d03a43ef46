import Logging
import NIOCore
import TelemetryConfig
import TelemetryOTLPData

/// `otlp`: receives OTLP over HTTP (`protocols.http`) and gRPC (`protocols.grpc`) for every signal with
/// a pipeline; both feed the same pipelines through the same intake rules.
public final class OTLPReceiver: GatewayReceiver {
    /// The HTTP port (after binding, so 0 in the configuration becomes the port chosen).
    public let httpPort: Int?
    /// The gRPC port (after binding).
    public let grpcPort: Int?
    private let http: OTLPHTTPServer?
    private let grpc: (any GatewayListener)?
    private let httpHost: String
    private let httpScheme: String
    private let grpcHost: String

    init(
        name: String, http settings: OTLPHTTPSettings?, grpc grpcSettings: OTLPGRPCSettings?, context: BuildContext,
        pipelines: [OTLPSignal: any PayloadConsumer], decoded: Set<OTLPSignal>
    ) throws(GatewayError) {
        var httpServer: OTLPHTTPServer?
        if let settings {
            let intake = RequestIntake(
                maxBodyBytes: settings.maxBodyBytes, decodeLimits: settings.decodeLimits, pipelines: pipelines,
                budget: context.budget, receiver: name, decodedSignals: decoded, metrics: context.metrics)
            var tls: (@Sendable () -> any ChannelHandler)?
            if let files = settings.tls {
                guard let transports = context.transports else { throw GatewayTransports.missing("TLS", component: "receiver \(name)") }
                do {
                    tls = try transports.httpServerTLS(files)
                } catch {
                    throw GatewayError("receiver \(name) cannot load its TLS files: \(error)")
                }
            }
            do {
                httpServer = try OTLPHTTPServer(
                    policy: OTLPHTTPPolicy(settings: settings, intake: intake, name: name), tls: tls, logger: context.logger)
            } catch {
                throw GatewayError("receiver \(name) cannot listen on \(settings.host):\(settings.port): \(error)")
            }
        }
        var grpcServer: (any GatewayListener)?
        if let grpcSettings {
            guard let transports = context.transports else {
                httpServer?.close()
                throw GatewayTransports.missing("gRPC", component: "receiver \(name)")
            }
            // A stream reserves its worst case before its message is buffered: with a budget that cannot
            // hold one, compressed messages near the largest size are always refused (UNAVAILABLE), while
            // smaller and uncompressed ones are taken; a small container must still start.
            if grpcSettings.worstCaseStreamBytes > context.budget.limitBytes {
                context.logger.warning(
                    Logger.Message(stringLiteral: "receiver \(name): max_recv_msg_size_mib \(grpcSettings.maxMessageBytes >> 20) needs up to "
                        + "\(grpcSettings.worstCaseStreamBytes >> 20) MiB for one message (5 times it, compressed, while it is "
                        + "received), more than the memory budget of \(context.budget.limitBytes >> 20) MiB: such messages will be "
                        + "refused (UNAVAILABLE); lower it or raise memory_limiter's limit_mib"))
            }
            let intake = RequestIntake(
                maxBodyBytes: grpcSettings.maxMessageBytes, decodeLimits: grpcSettings.decodeLimits, pipelines: pipelines,
                budget: context.budget, receiver: name, decodedSignals: decoded, metrics: context.metrics)
            do {
                grpcServer = try transports.grpcServer(grpcSettings, intake, context.logger)
            } catch {
                httpServer?.close()
                throw GatewayError("receiver \(name) cannot listen for gRPC on \(grpcSettings.host):\(grpcSettings.port): \(error)")
            }
        }
        http = httpServer
        httpPort = httpServer?.port
        httpHost = settings?.host ?? ""
        httpScheme = settings?.tls == nil ? "http" : "https"
        grpc = grpcServer
        grpcPort = grpcServer?.port
        grpcHost = grpcSettings?.host ?? ""
    }

    public var endpoints: [String] {
        (httpPort.map { ["\(httpScheme)://\(httpHost):\($0)"] } ?? []) + (grpcPort.map { ["grpc://\(grpcHost):\($0)"] } ?? [])
    }

    public func shutdown() {
        http?.close()
        grpc?.close()
    }

    /// Parses `receivers.otlp[/name]`.
    static func definition(_ node: ConfigNode?) throws(ConfigError) -> ReceiverDefinition {
        var http: OTLPHTTPSettings?
        var grpc: OTLPGRPCSettings?
        var limits: [RequestSizeLimit] = []
        if let node {
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
            throw ConfigError(file: node?.file ?? "", path: node?.path ?? "", line: node?.line ?? 0, column: node?.column ?? 0,
                              message: "give at least one protocol (http, grpc)")
        }
        let (httpSettings, grpcSettings) = (http, grpc)
        return ReceiverDefinition(signals: Set(OTLPSignal.allCases), requestLimits: limits) { context, pipelines, decoded throws(GatewayError) in
            try OTLPReceiver(
                name: context.id.description, http: httpSettings, grpc: grpcSettings, context: context, pipelines: pipelines, decoded: decoded)
        }
    }
}

extension ConfigNode {
    /// Where `key` of this section is set (the section itself when it is not), for a later error.
    func source(of key: String) -> ConfigError {
        if case .mapping = node, let fields = try? mapping(allowed: nil), let value = fields[key] { return value.error("") }
        return error("")
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

extension OTLPGRPCSettings {
    /// Parses `protocols.grpc`: `endpoint`, `max_recv_msg_size_mib`, `max_concurrent_streams`,
    /// `max_connections`, `bearer_token`, `max_decoded_bytes`, `max_nesting_depth`,
    /// `tls: {cert_file, key_file, client_ca_file}` (an empty section means the defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> OTLPGRPCSettings {
        var settings = OTLPGRPCSettings()
        if case .scalar(let scalar) = node.node, scalar.string.isEmpty || scalar.string == "null" { return settings }
        let fields = try node.mapping(allowed: [
            "endpoint", "max_recv_msg_size_mib", "max_concurrent_streams", "max_connections", "bearer_token",
            "max_decoded_bytes", "max_nesting_depth", "tls",
        ])
        if let tls = fields["tls"] { settings.tls = try ReceiverTLSFiles.parse(tls) }
        if let endpoint = fields["endpoint"] { (settings.host, settings.port) = try endpoint.hostAndPort() }
        if let size = fields["max_recv_msg_size_mib"] { settings.maxMessageBytes = try size.int(in: 1...1024) << 20 }
        if let streams = fields["max_concurrent_streams"] { settings.maxConcurrentStreams = try streams.int(in: 1...100_000) }
        if let limit = fields["max_connections"] { settings.maxConnections = try limit.int(in: 1...1_000_000) }
        if let token = fields["bearer_token"] { settings.bearerToken = try token.secret() }
        settings.decodeLimits = try fields.decodeLimits()
        return settings
    }
}

extension OTLPHTTPSettings {
    /// Parses `protocols.http` (an empty section means the defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> OTLPHTTPSettings {
        var settings = OTLPHTTPSettings()
        if case .scalar(let scalar) = node.node, scalar.string.isEmpty || scalar.string == "null" { return settings }
        let fields = try node.mapping(allowed: [
            "endpoint", "max_request_body_size", "bearer_token", "read_header_timeout", "read_timeout", "idle_timeout",
            "max_connections", "max_decoded_bytes", "max_nesting_depth", "tls",
        ])
        if let tls = fields["tls"] { settings.tls = try ReceiverTLSFiles.parse(tls) }
        if let endpoint = fields["endpoint"] { (settings.host, settings.port) = try endpoint.hostAndPort() }
        if let limit = fields["max_request_body_size"] { settings.maxBodyBytes = try limit.int(in: 1024...(1 << 30)) }
        if let token = fields["bearer_token"] { settings.bearerToken = try token.secret() }
        if let timeout = fields["read_header_timeout"] { settings.readHeaderTimeout = try timeout.duration() }
        if let timeout = fields["read_timeout"] { settings.readTimeout = try timeout.duration() }
        if let timeout = fields["idle_timeout"] { settings.idleTimeout = try timeout.duration() }
        if let limit = fields["max_connections"] { settings.maxConnections = try limit.int(in: 1...1_000_000) }
        settings.decodeLimits = try fields.decodeLimits()
        return settings
    }
}

import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// The OTLP/HTTP receiver's settings (`receivers.otlp.protocols.http` in the configuration).
public struct OTLPHTTPSettings: Sendable, Equatable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port = 4318
    /// The largest body, compressed or not (`max_request_body_size`).
    public var maxBodyBytes = 20 << 20
    /// A bearer token every request must present, or `nil` for none.
    public var bearerToken: String?
    /// How long a new connection may take to send its first request head (`read_header_timeout`).
    public var readHeaderTimeout: Duration = .seconds(10)
    /// How long a request's body may take to arrive once its head has (`read_timeout`).
    public var readTimeout: Duration = .seconds(30)
    /// How long a kept-alive connection may wait for its next request (`idle_timeout`).
    public var idleTimeout: Duration = .seconds(60)
    /// The most connections open at once; later ones are closed at once (`max_connections`).
    public var maxConnections = 1024
    /// Nesting and decoded-size limits (`max_nesting_depth`, `max_decoded_bytes`).
    public var decodeLimits = DecodeLimits()
    /// TLS files (`tls`); plaintext when nil.
    public var tls: ServerTLSSettings?
    /// Whether each request's headers go with its data as `PipelineItem.metadata` (`include_metadata`,
    /// false by default as in the Collector's confighttp).
    public var includeMetadata = false

    /// The defaults.
    public init() {}
}

/// The routes of the OTLP/HTTP receiver.
enum OTLPHTTPRoutes {
    /// The signal a path posts, ignoring a query string.
    static func signal(_ path: String) -> OTLPSignal? {
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return OTLPSignal.allCases.first { "/\($0.path)" == route }
    }

    /// Whether the path is the health check.
    static func isHealth(_ path: String) -> Bool {
        (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path) == "/healthz"
    }

    private static func mediaType(_ contentType: String?) -> String {
        (contentType ?? "").split(separator: ";").first.map { $0.filter { $0 != " " && $0 != "\t" }.lowercased() } ?? ""
    }

    /// `application/json`.
    static func isJSON(_ contentType: String?) -> Bool { mediaType(contentType) == "application/json" }

    /// `application/x-protobuf` or `application/protobuf`.
    static func isProtobuf(_ contentType: String?) -> Bool {
        ["application/x-protobuf", "application/protobuf"].contains(mediaType(contentType))
    }
}

extension OTLPHTTPSettings {
    /// Parses `protocols.http` (an empty section means the defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> OTLPHTTPSettings {
        var settings = OTLPHTTPSettings()
        if node.isEmpty { return settings }
        let fields = try node.mapping(allowed: [
            "endpoint", "max_request_body_size", "bearer_token", "read_header_timeout", "read_timeout", "idle_timeout",
            "max_connections", "max_decoded_bytes", "max_nesting_depth", "tls", "include_metadata",
        ])
        if let tls = fields["tls"] { settings.tls = try ServerTLSSettings.parse(tls) }
        if let endpoint = fields["endpoint"] {
            let address = try EndpointSettings.parse(endpoint)
            (settings.host, settings.port) = (address.host, address.port)
        }
        if let limit = fields["max_request_body_size"] { settings.maxBodyBytes = try limit.int(in: 1024...(1 << 30)) }
        if let token = fields["bearer_token"] { settings.bearerToken = try token.secret() }
        if let timeout = fields["read_header_timeout"] { settings.readHeaderTimeout = try timeout.duration() }
        if let timeout = fields["read_timeout"] { settings.readTimeout = try timeout.duration() }
        if let timeout = fields["idle_timeout"] { settings.idleTimeout = try timeout.duration() }
        if let limit = fields["max_connections"] { settings.maxConnections = try limit.int(in: 1...1_000_000) }
        settings.includeMetadata = try fields["include_metadata"]?.bool() ?? false
        settings.decodeLimits = try fields.decodeLimits()
        return settings
    }
}

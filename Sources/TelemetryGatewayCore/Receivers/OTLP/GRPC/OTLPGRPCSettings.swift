import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// The OTLP/gRPC receiver's settings (`receivers.otlp.protocols.grpc`).
public struct OTLPGRPCSettings: Sendable, Equatable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port = 4317
    /// The largest message, before and after gzip (`max_recv_msg_size_mib`; 4 MiB by default, as gRPC's
    /// and the Collector's: a stream reserves up to 5 times it while its message arrives).
    public var maxMessageBytes = 4 << 20
    /// The most streams (calls) a connection may have open at once, announced in the HTTP/2 SETTINGS and
    /// enforced by refusing further streams (`max_concurrent_streams`, as in the Collector's configgrpc).
    public var maxConcurrentStreams = 100
    /// The most connections open at once; later ones are closed at once (`max_connections`, as on HTTP).
    public var maxConnections = 1024
    /// A bearer token every request must present in its `authorization` metadata, or `nil`.
    public var bearerToken: String?
    /// Nesting and decoded-size limits.
    public var decodeLimits = DecodeLimits()
    /// TLS files; plaintext when nil.
    public var tls: ServerTLSSettings?
    /// Whether each request's gRPC metadata goes with its data as `PipelineItem.metadata`
    /// (`include_metadata`, false by default as in the Collector's configgrpc).
    public var includeMetadata = false

    /// The defaults.
    public init() {}

    /// What one stream may hold before its message is handed to the intake, bytes reserved in the budget
    /// before they are (see `GRPCMessageBound`): a message of the largest size, compressed.
    public var worstCaseStreamBytes: Int { GRPCMessageBound(maxMessageBytes: maxMessageBytes).worstCase }
}

/// The bytes the gRPC transport (grpc-swift-nio-transport 2.9) can hold for one message of a stream,
/// reserved before they are buffered: the storage of the bytes received so far as they arrive, the
/// message part with its last byte (see `GRPCStreamGate`).
///
/// Where they go, for a message of declared length `L` ≤ `M` (`max_recv_msg_size_mib`):
/// - `storage`: the deframer appends the message's `L + 5` bytes to one `ByteBuffer`, whose capacity
///   is rounded up to a power of two (< 2 × what it holds), and its first slice keeps alive the HTTP/2
///   frame buffer it came from (≤ `frameAllowance`, frames being ≤ 16 KiB read in ≤ 64 KiB chunks);
///   the headers (≤ 16 KiB decoded, HPACK's limit) and the stream's objects are `streamOverhead`.
///   Held until the stream closes.
/// - `message`: uncompressed, the delivered message is a slice of that storage and the raw-bytes
///   deserializer copies it once (`L`). Compressed, zlib inflates into a `ByteBuffer` whose capacity
///   stays ≤ the next power of two of `M` (grpc-swift keeps written + requested ≤ `M`), so < 2 × `M`,
///   and the copy is ≤ `M`: 3 × `M`. Shrunk to the copy's size once it exists, and handed with it to
///   the intake. Glibc grows blocks over 128 KiB with `mremap`, so growth holds no second copy.
/// Worst case: `storage + message` ≤ 2 × (`L` + 5) + 3 × `M` + 160 KiB, i.e. 5 × `M` + 160 KiB.
public struct GRPCMessageBound: Sendable, Equatable {
    /// The largest message (`M`).
    public let maxMessageBytes: Int

    /// The bound for messages of at most `maxMessageBytes`.
    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Headers and a stream's objects, reserved when its headers arrive.
    public static let streamOverhead = 32 << 10
    /// The HTTP/2 read buffer a message's first slice may keep alive.
    public static let frameAllowance = 128 << 10
    /// The gRPC message prefix: a compression flag and a 4-byte length.
    public static let prefixBytes = 5

    /// What the deframer's buffer may hold for a message of `length` bytes (held until the stream ends).
    public func storage(length: Int) -> Int {
        2 * (min(max(0, length), maxMessageBytes) + Self.prefixBytes) + Self.frameAllowance
    }

    /// What the delivered message and its copy may hold, before the copy's size is known.
    public func message(length: Int, compressed: Bool) -> Int {
        compressed ? 3 * maxMessageBytes : min(max(0, length), maxMessageBytes)
    }

    /// The most one stream may hold: its overhead and one message of the largest size, compressed.
    public var worstCase: Int {
        Self.streamOverhead + storage(length: maxMessageBytes) + message(length: maxMessageBytes, compressed: true)
    }
}

extension OTLPGRPCSettings {
    /// Parses `protocols.grpc`: `endpoint`, `max_recv_msg_size_mib`, `max_concurrent_streams`,
    /// `max_connections`, `bearer_token`, `max_decoded_bytes`, `max_nesting_depth`, `include_metadata`,
    /// `tls: {cert_file, key_file, client_ca_file}` (an empty section means the defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> OTLPGRPCSettings {
        var settings = OTLPGRPCSettings()
        if node.isEmpty { return settings }
        let fields = try node.mapping(allowed: [
            "endpoint", "max_recv_msg_size_mib", "max_concurrent_streams", "max_connections", "bearer_token",
            "max_decoded_bytes", "max_nesting_depth", "tls", "include_metadata",
        ])
        if let tls = fields["tls"] { settings.tls = try ServerTLSSettings.parse(tls) }
        if let endpoint = fields["endpoint"] {
            let address = try EndpointSettings.parse(endpoint)
            (settings.host, settings.port) = (address.host, address.port)
        }
        if let size = fields["max_recv_msg_size_mib"] { settings.maxMessageBytes = try size.int(in: 1...1024) << 20 }
        if let streams = fields["max_concurrent_streams"] { settings.maxConcurrentStreams = try streams.int(in: 1...100_000) }
        if let limit = fields["max_connections"] { settings.maxConnections = try limit.int(in: 1...1_000_000) }
        if let token = fields["bearer_token"] { settings.bearerToken = try token.secret() }
        settings.includeMetadata = try fields["include_metadata"]?.bool() ?? false
        settings.decodeLimits = try fields.decodeLimits()
        return settings
    }
}

import TelemetryOTLPData

/// The OTLP/gRPC receiver's settings (`receivers.otlp.protocols.grpc`).
public struct OTLPGRPCSettings: Sendable, Equatable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port = 4317
    /// The largest message, before and after gzip (`max_recv_msg_size_mib`; by default the HTTP body
    /// limit, not gRPC's 4 MiB).
    public var maxMessageBytes = 20 << 20
    /// A bearer token every request must present in its `authorization` metadata, or `nil`.
    public var bearerToken: String?
    /// Nesting and decoded-size limits.
    public var decodeLimits = DecodeLimits()
    /// TLS files; plaintext when nil.
    public var tls: ReceiverTLSFiles?

    /// The defaults.
    public init() {}
}

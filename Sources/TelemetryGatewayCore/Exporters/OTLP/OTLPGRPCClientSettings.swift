import TelemetryHTTP

/// Where and how the OTLP/gRPC exporter sends (`exporters.otlp` with `protocol: grpc`).
public struct OTLPGRPCClientSettings: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// Plaintext HTTP/2 instead of TLS (`http://` endpoints, or `tls.insecure: true`).
    public var plaintext: Bool
    /// The CAs trusted, the client certificate, and whether to verify.
    public var tls: ClientTLS
    /// Metadata sent with every call (values never logged).
    public var headers: [String: String]
    /// gzip the messages.
    public var gzip: Bool
    /// The deadline of each call.
    public var timeout: Duration

    /// Settings for `host:port`.
    public init(
        host: String, port: Int, plaintext: Bool, tls: ClientTLS = ClientTLS(), headers: [String: String] = [:], gzip: Bool = true,
        timeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.plaintext = plaintext
        self.tls = tls
        self.headers = headers
        self.gzip = gzip
        self.timeout = timeout
    }

    /// The host, port and security of a gRPC endpoint: `host:port` (TLS unless `insecure`),
    /// `http://host:port` (plaintext) or `https://host:port` (TLS); IPv6 hosts in brackets. Nil when it
    /// is none of these.
    static func target(_ endpoint: String, insecure: Bool) -> (host: String, port: Int, plaintext: Bool)? {
        var rest = Substring(endpoint)
        var plaintext = insecure
        if rest.hasPrefix("https://") {
            rest = rest.dropFirst(8)
            plaintext = false
        } else if rest.hasPrefix("http://") {
            rest = rest.dropFirst(7)
            plaintext = true
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        var host = rest[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains("/"), !host.contains("[") else { return nil }
        return (String(host), port, plaintext)
    }
}

import TelemetryYAML

/// A receiver's `tls`, the Collector's `configtls` server keys: `cert_file` and `key_file` (the server's
/// PEM certificate chain and key), and for mutual TLS `client_ca_file` (the CA client certificates must
/// chain to). Shared by the OTLP/HTTP and OTLP/gRPC receivers.
public struct ServerTLSSettings: Sendable, Equatable {
    /// The PEM certificate chain.
    public var certificateFile: String
    /// The PEM private key.
    public var keyFile: String
    /// Mutual TLS: the CA that client certificates must chain to (host names are not checked).
    public var clientCAFile: String?

    /// Files for TLS, or mutual TLS with `clientCAFile`.
    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }

    /// Parses a `tls` section; every file must be readable.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> ServerTLSSettings {
        let files = try node.mapping(allowed: ["cert_file", "key_file", "client_ca_file"])
        return ServerTLSSettings(
            certificateFile: try files.required("cert_file").readableFile(), keyFile: try files.required("key_file").readableFile(),
            clientCAFile: try files["client_ca_file"]?.readableFile())
    }
}

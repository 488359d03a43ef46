import TelemetryHTTP
import TelemetryYAML

/// An exporter's `tls`, the Collector's `configtls` client keys: `ca_file`, `cert_file` and `key_file`
/// (both or neither; every file must be readable), `insecure_skip_verify`, and `insecure` (plaintext, for
/// gRPC only: for HTTP the endpoint's scheme decides).
package struct ClientTLSSettings: Sendable, Equatable {
    /// The CAs trusted, the client certificate, and whether to verify the server.
    package var client = ClientTLS()
    /// Plaintext instead of TLS (gRPC).
    package var insecure = false

    /// The keys of a `tls` section.
    package static let keys = ["ca_file", "cert_file", "key_file", "insecure", "insecure_skip_verify"]

    /// Reads a `tls` section of an exporter speaking gRPC (`grpc`) or HTTP.
    package static func parse(_ node: ConfigNode, grpc: Bool) throws(ConfigError) -> ClientTLSSettings {
        let fields = try node.mapping(allowed: keys)
        var settings = ClientTLSSettings()
        settings.insecure = try fields["insecure"]?.bool() ?? false
        if settings.insecure, !grpc, let key = fields["insecure"] {
            throw key.error("insecure applies to protocol: grpc; for HTTP the endpoint's scheme (http:// or https://) decides")
        }
        let certificate = try fields["cert_file"]?.readableFile()
        let key = try fields["key_file"]?.readableFile()
        if (certificate == nil) != (key == nil) {
            throw node.error("give both cert_file and key_file for a client certificate, or neither")
        }
        settings.client = ClientTLS(
            caFile: try fields["ca_file"]?.readableFile(), certificateFile: certificate, keyFile: key,
            insecureSkipVerify: try fields["insecure_skip_verify"]?.bool() ?? false)
        return settings
    }
}

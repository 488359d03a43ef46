/// How an exporter checks the server it sends to and proves who it is (the OpenTelemetry Collector's
/// exporter `tls` keys; `OTEL_EXPORTER_OTLP_CERTIFICATE`, `…_CLIENT_CERTIFICATE`, `…_CLIENT_KEY`).
public struct ClientTLS: Sendable, Hashable {
    /// A PEM bundle of the CAs trusted for the server's certificate; the system's store when `nil`.
    public var caFile: String?
    /// A PEM client certificate (chain) for mutual TLS; needs `keyFile`.
    public var certificateFile: String?
    /// The PEM private key of `certificateFile`.
    public var keyFile: String?
    /// Skips checking the server's certificate and name. Only when said; never the default.
    public var insecureSkipVerify: Bool

    /// Settings; the defaults verify the server against the system's CAs and send no certificate.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
    }
}

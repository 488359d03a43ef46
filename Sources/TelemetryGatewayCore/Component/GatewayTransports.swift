import Logging
import NIOCore
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// The transports that need gRPC or TLS libraries (grpc-swift-2, NIO HTTP/2, BoringSSL). The module
/// `TelemetryGatewayTransports` supplies them and the gateway command passes them to `GatewayService`;
/// the core builds without them (so do its fuzz targets), and a configuration asking for gRPC or TLS
/// on a service made without them fails to start with a clear error.
public struct GatewayTransports: Sendable {
    /// Makes the maker of the TLS handler put first on each accepted OTLP/HTTP connection.
    package typealias HTTPServerTLS = @Sendable (ServerTLSSettings) throws -> @Sendable () -> any ChannelHandler
    /// Starts an OTLP/gRPC server that hands every request to the intake.
    package typealias GRPCServer = @Sendable (OTLPGRPCSettings, RequestIntake, Logger) throws -> any GatewayListener
    /// Makes an exporter's OTLP/gRPC sender of one signal.
    package typealias GRPCSender =
        @Sendable (OTLPGRPCClientSettings, OTLPSignal, _ exporter: String, MetricsCollector, Logger) throws(GatewayError) -> any EncodedRequestSender

    /// TLS for the OTLP/HTTP receiver.
    package let httpServerTLS: HTTPServerTLS
    /// The OTLP/gRPC receiver.
    package let grpcServer: GRPCServer
    /// The OTLP/gRPC exporter's sender.
    package let grpcSender: GRPCSender

    /// Transports from these makers.
    package init(httpServerTLS: @escaping HTTPServerTLS, grpcServer: @escaping GRPCServer, grpcSender: @escaping GRPCSender) {
        self.httpServerTLS = httpServerTLS
        self.grpcServer = grpcServer
        self.grpcSender = grpcSender
    }

    /// The error for a configuration that needs what a service made without transports lacks.
    static func missing(_ what: String, component: String) -> GatewayError {
        GatewayError("\(component) needs \(what), which this build of the gateway lacks (link TelemetryGatewayTransports)")
    }
}

/// A listening server a receiver owns.
package protocol GatewayListener: Sendable {
    /// The bound port.
    var port: Int { get }
    /// Stops accepting, lets requests in progress finish, and waits.
    func close()
}

/// One signal's OTLP transport (`OTLPHTTPSender` on libcurl, or the OTLP/gRPC sender): sends an
/// encoded request once and classifies the outcome; the exporter helper's retry loop decides whether
/// and when to try again (`ExporterSendChain`).
package protocol EncodedRequestSender: Sendable {
    /// How its retries and rejections are counted and logged.
    var retryReport: RetryReport { get }
    /// Sends `body` (serialised `Export…ServiceRequest`s) once: delivered, refused for good, or worth
    /// another attempt (after the delay the server asked for, if any); `extraHeaders` are sent with it
    /// besides the configured ones (HTTP headers, gRPC metadata): what the exporter sets from the
    /// batch's request metadata.
    func attempt(_ body: [UInt8], extraHeaders: [(name: String, value: String)]) -> RetryAttempt<Void, any Error, String>
    /// Cuts what it is doing short and closes its connection (at shutdown).
    func shutdown()
}

import TelemetryGatewayCore

extension GatewayTransports {
    /// OTLP/gRPC (grpc-swift-2 on NIO HTTP/2) and TLS (NIOSSL) for the gateway's receivers and exporters.
    public static let standard = GatewayTransports(
        httpServerTLS: NIOSSLServerTLS.handlerMaker,
        grpcServer: { settings, intake, logger in try OTLPGRPCServer(settings: settings, intake: intake, logger: logger) },
        grpcSender: { settings, signal, exporter, collector, logger throws(GatewayError) in
            try OTLPGRPCSender(settings: settings, signal: signal, exporter: exporter, collector: collector, logger: logger)
        })
}

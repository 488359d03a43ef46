import TelemetryGatewayCore

extension GatewayTransports {
    /// OTLP/gRPC (grpc-swift-2 on NIO HTTP/2) and TLS (NIOSSL) for the gateway's receivers and exporters.
    public static let standard = standard(grpcExecutor: nil)

    /// The standard transports with the OTLP/gRPC receiver's and exporter's tasks on threads of their own
    /// (two), not on Swift's cooperative pool: for a gateway in a test's process, where other tests may hold
    /// the pool's few threads while they wait.
    public static let standardOnOwnThreads = standard(grpcExecutor: ThreadsTaskExecutor(threads: 2))

    private static func standard(grpcExecutor: (any TaskExecutor)?) -> GatewayTransports {
        GatewayTransports(
            httpServerTLS: NIOSSLServerTLS.handlerMaker,
            grpcServer: { settings, intake, logger in
                try OTLPGRPCServer(settings: settings, intake: intake, executor: grpcExecutor, logger: logger)
            },
            grpcSender: { settings, signal, exporter, collector, logger throws(GatewayError) in
                try OTLPGRPCSender(
                    settings: settings, signal: signal, exporter: exporter, collector: collector, executor: grpcExecutor, logger: logger)
            })
    }
}

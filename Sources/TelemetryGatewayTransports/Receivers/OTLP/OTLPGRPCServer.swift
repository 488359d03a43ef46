import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOCore
import NIOPosix
import Synchronization
import TelemetryGatewayCore
import TelemetryOTLPData

/// A gRPC server (grpc-swift-2 on the NIO HTTP/2 transport) serving `OTLPGRPCService`, started and
/// stopped from the gateway's threads. Each connection may open `maxConcurrentStreams` streams (HTTP/2
/// SETTINGS; NIO refuses more), at most `maxConnections` connections are served (further ones are
/// closed at once, and counted), each stream passes `GRPCStreamGate` before grpc-swift reads it, and
/// requests are processed on a thread pool of its own.
final class OTLPGRPCServer: GatewayListener {
    /// The port it listens on.
    let port: Int
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let threadPool: NIOThreadPool
    private let finished = DispatchSemaphore(value: 0)

    /// Starts serving; the server's tasks prefer `executor` (none: Swift's cooperative pool).
    init(settings: OTLPGRPCSettings, intake: RequestIntake, executor: (any TaskExecutor)? = nil, logger: Logger) throws {
        let threadPool = NIOThreadPool(numberOfThreads: RequestIntake.processingThreads)
        threadPool.start()
        let admissions = GRPCStreamAdmissions()
        let service = OTLPGRPCService(
            intake: intake, bearerToken: settings.bearerToken, includeMetadata: settings.includeMetadata, admissions: admissions,
            threadPool: threadPool)
        let transport = HTTP2ServerTransport.Posix(
            address: settings.host.contains(":") ? .ipv6(host: settings.host, port: settings.port) : .ipv4(host: settings.host, port: settings.port),
            transportSecurity: Self.security(settings),
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = settings.maxMessageBytes
                config.http2.maxConcurrentStreams = settings.maxConcurrentStreams
                config.compression.enabledAlgorithms = [.gzip, .deflate]
                config.channelDebuggingCallbacks.onAcceptTCPConnection = Self.connectionLimit(settings.maxConnections, intake: intake)
                config.channelDebuggingCallbacks.onAcceptHTTP2Stream = Self.gate(settings, intake: intake, admissions: admissions)
            })
        let server = GRPCServer(transport: transport, services: [service])
        self.server = server
        self.threadPool = threadPool
        let finished = self.finished
        Task(executorPreference: executor) {
            do {
                try await server.serve()
            } catch {
                logger.error("the OTLP/gRPC receiver stopped: \(error)")
            }
            finished.signal()
        }
        do {
            port = try BlockingResult<Int>.run(on: executor) {
                let address = try await transport.listeningAddress
                return address.ipv4?.port ?? address.ipv6?.port ?? 0
            }.get()
        } catch {
            try? threadPool.syncShutdownGracefully()
            throw error
        }
        logger.info("OTLP/gRPC receiver listening", metadata: ["address": "\(settings.host):\(port)"])
    }

    /// Counts connections; one past `limit` is closed as soon as it is active.
    private static func connectionLimit(_ limit: Int, intake: RequestIntake) -> @Sendable (any Channel) -> EventLoopFuture<Void> {
        let open = Atomic(0)
        let (metrics, name) = (intake.metrics, intake.receiver)
        return { channel in
            let count = open.add(1, ordering: .relaxed).newValue
            metrics.openConnections(1, receiver: name)
            channel.closeFuture.whenComplete { _ in
                open.subtract(1, ordering: .relaxed)
                metrics.openConnections(-1, receiver: name)
            }
            guard count > limit else { return channel.eventLoop.makeSucceededVoidFuture() }
            metrics.connectionClosed(receiver: name, reason: "connection_limit")
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(CloseWhenActive(), position: .first)
            }
        }
    }

    /// Puts a `GRPCStreamGate` first on each stream.
    private static func gate(
        _ settings: OTLPGRPCSettings, intake: RequestIntake, admissions: GRPCStreamAdmissions
    ) -> @Sendable (any Channel) -> EventLoopFuture<Void> {
        let bound = GRPCMessageBound(maxMessageBytes: settings.maxMessageBytes)
        let (budget, token) = (intake.budget, settings.bearerToken)
        return { channel in
            channel.eventLoop.makeCompletedFuture {
                let gate = GRPCStreamGate(budget: budget, bound: bound, bearerToken: token, admissions: admissions)
                try channel.pipeline.syncOperations.addHandler(gate, position: .first)
            }
        }
    }

    /// Plaintext, TLS, or mutual TLS (client certificates checked against the client CA, not host names).
    private static func security(_ settings: OTLPGRPCSettings) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard let tls = settings.tls else { return .plaintext }
        let chain: [TLSConfig.CertificateSource] = [.file(path: tls.certificateFile, format: .pem)]
        let key = TLSConfig.PrivateKeySource.file(path: tls.keyFile, format: .pem)
        guard let clientCA = tls.clientCAFile else { return .tls(certificateChain: chain, privateKey: key) }
        return .mTLS(certificateChain: chain, privateKey: key) { config in
            config.trustRoots = .certificates([.file(path: clientCA, format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
    }

    /// Stops accepting, lets RPCs in progress finish, waits for the server to end, then for the requests
    /// being processed.
    func close() {
        server.beginGracefulShutdown()
        finished.wait()
        try? threadPool.syncShutdownGracefully()
    }
}

/// Closes a connection over the limit as soon as it is active, before any byte of it is read.
private final class CloseWhenActive: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { context.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}

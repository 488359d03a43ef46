import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Telemetry

/// The OTLP/HTTP listener (SwiftNIO) on its own event loops. Bodies are read up to the limit; decoding
/// and processing run on a thread pool so large requests never stall an event loop. At most
/// `maxConnections` connections are served; further ones are closed at once (and counted).
final class OTLPHTTPServer: Sendable {
    /// The bound port.
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let closed = Atomic(false)

    /// Listens; `tls` makes the TLS handler put first on each connection (plaintext when nil).
    init(policy: OTLPHTTPPolicy, tls: (@Sendable () -> any ChannelHandler)?, logger: Logger) throws {
        let settings = policy.settings
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let threadPool = NIOThreadPool(numberOfThreads: RequestIntake.processingThreads)
        threadPool.start()
        let open = Atomic(0)
        let metrics = policy.intake.metrics
        let name = policy.name
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let count = open.add(1, ordering: .relaxed).newValue
                metrics.openConnections(1, receiver: name)
                channel.closeFuture.whenComplete { _ in
                    open.subtract(1, ordering: .relaxed)
                    metrics.openConnections(-1, receiver: name)
                }
                guard count <= settings.maxConnections else {
                    metrics.connectionClosed(receiver: name, reason: "connection_limit")
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(tls()) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        OTLPHTTPConnectionHandler(policy: policy, threadPool: threadPool))
                }
            }
        do {
            channel = try bootstrap.bind(host: settings.host, port: settings.port).blockingResult()
        } catch {
            try? threadPool.syncShutdownGracefully()
            group.shutdownGracefully { _ in }
            throw error
        }
        self.group = group
        self.threadPool = threadPool
        port = channel.localAddress?.port ?? settings.port
        let scheme = tls == nil ? "http" : "https"
        logger.info("OTLP/HTTP receiver listening", metadata: ["receiver": "\(name)", "address": "\(scheme)://\(settings.host):\(port)"])
    }

    /// Stops accepting connections, closes the open ones, and waits for requests being processed.
    func close() {
        // Once only: a second close would wait on an event loop that is gone.
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? channel.close().blockingResult()
        try? threadPool.syncShutdownGracefully()
        group.shutdownGracefully { _ in }
    }
}

import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small SwiftNIO HTTP/1.1 server answering `GET /metrics` with freshly rendered metrics.
///
/// The format follows the scraper's `Accept` header (OpenMetrics when offered, else text 0.0.4).
/// Other paths answer 404, other methods 405; request bodies are discarded.
///
/// It runs on its own one-thread event loop, so rendering a large scrape never stalls the application's
/// event loops, and starting or stopping it is safe from any thread, event-loop threads included
/// (NIO's `wait()` would trap there).
final class PrometheusHTTPServer: Sendable {
    typealias Render = @Sendable (PrometheusFormat) -> [UInt8]

    /// The bound port.
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let closed = Atomic(false)

    init(host: String, port: Int, logger: Logger, render: @escaping Render) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(render: render))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).blockingResult()
        } catch {
            group.shutdownGracefully { _ in }
            throw error
        }
        self.group = group
        self.port = channel.localAddress?.port ?? port
        logger.info("Prometheus endpoint listening", metadata: ["address": "http://\(host):\(self.port)/metrics"])
    }

    func close() {
        // Once only: a second close would wait on an event loop that is gone.
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? channel.close().blockingResult()
        group.shutdownGracefully { _ in }
    }
}

/// Answers one HTTP request at a time on a connection.
private final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let render: PrometheusHTTPServer.Render
    private var head: HTTPRequestHead?

    init(render: @escaping PrometheusHTTPServer.Render) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(to: requestHead, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        guard path == "/metrics" else {
            write(status: .notFound, contentType: "text/plain; charset=utf-8", body: Array("not found\n".utf8),
                  request: request, context: context)
            return
        }
        guard request.method == .GET || request.method == .HEAD else {
            write(status: .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                  body: Array("use GET\n".utf8), request: request, context: context, extraHeaders: [("Allow", "GET, HEAD")])
            return
        }
        let format = PrometheusFormat.negotiate(accept: request.headers.first(name: "accept"))
        let body = render(format)
        write(status: .ok, contentType: format.contentType, body: request.method == .HEAD ? [] : body,
              contentLength: body.count, request: request, context: context)
    }

    private func write(
        status: HTTPResponseStatus, contentType: String, body: [UInt8], contentLength: Int? = nil,
        request: HTTPRequestHead, context: ChannelHandlerContext, extraHeaders: [(String, String)] = []
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(contentLength ?? body.count))])
        headers.add(contentsOf: extraHeaders)
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

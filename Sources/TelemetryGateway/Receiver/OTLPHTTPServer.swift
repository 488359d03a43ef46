import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The gateway's OTLP/HTTP listener (SwiftNIO). Bodies are read up to the limit; processing runs on a
/// thread pool so decoding large requests never stalls the event loop.
final class OTLPHTTPServer: Sendable {
    /// The bound port.
    let port: Int
    private let channel: any Channel
    private let threadPool: NIOThreadPool

    init(host: String, port: Int, processor: GatewayRequestProcessor, logger: Logger) throws {
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        self.threadPool = threadPool
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        OTLPRequestHandler(processor: processor, threadPool: threadPool))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? threadPool.syncShutdownGracefully()
            throw error
        }
        self.port = channel.localAddress?.port ?? port
    }

    /// Stops accepting connections and waits for the processing threads.
    func close() {
        try? channel.close().wait()
        try? threadPool.syncShutdownGracefully()
    }
}

/// Reads one request at a time on a connection and answers it.
private final class OTLPRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestHead, ByteBuffer)
        case discarding
    }

    private let processor: GatewayRequestProcessor
    private let threadPool: NIOThreadPool
    private var state = State.idle

    init(processor: GatewayRequestProcessor, threadPool: NIOThreadPool) {
        self.processor = processor
        self.threadPool = threadPool
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), _):
            let headers = head.headers
            if let early = processor.answerBeforeBody(
                method: head.method.rawValue, path: head.uri, contentType: headers.first(name: "content-type"),
                contentEncoding: headers.first(name: "content-encoding"), authorization: headers.first(name: "authorization"),
                contentLength: headers.first(name: "content-length").flatMap { Int($0) })
            {
                state = .discarding
                // The client may still be sending a body we will not read: close after answering.
                respond(early, to: head, context: context, close: early.status != 200 || head.method != .GET)
                return
            }
            state = .reading(head, context.channel.allocator.buffer(capacity: 0))
        case (.body(var chunk), .reading(let head, var body)):
            guard body.readableBytes + chunk.readableBytes <= processor.bodyLimit else {
                state = .discarding
                respond(
                    processor.bodyTooLarge(path: head.uri, contentType: head.headers.first(name: "content-type")), to: head,
                    context: context, close: true)
                return
            }
            body.writeBuffer(&chunk)
            state = .reading(head, body)
        case (.end, .reading(let head, let body)):
            state = .idle
            let request = GatewayRequest(
                method: head.method.rawValue, path: head.uri, contentType: head.headers.first(name: "content-type"),
                contentEncoding: head.headers.first(name: "content-encoding"),
                authorization: head.headers.first(name: "authorization"), body: Array(body.readableBytesView))
            let processor = self.processor
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            threadPool.runIfActive(eventLoop: context.eventLoop) { processor.handle(request) }.whenComplete { result in
                let (handler, context) = bound.value
                switch result {
                case .success(let response):
                    handler.respond(response, to: head, context: context, close: !head.isKeepAlive)
                case .failure:
                    handler.respond(
                        GatewayResponse.failure(503, "the gateway is shutting down", json: false), to: head, context: context,
                        close: true)
                }
            }
        case (.end, _):
            state = .idle
        case (.body, _):
            break
        }
    }

    private func respond(_ response: GatewayResponse, to head: HTTPRequestHead, context: ChannelHandlerContext, close: Bool) {
        var headers = HTTPHeaders([
            ("Content-Type", response.contentType), ("Content-Length", String(response.body.count)),
        ])
        headers.add(contentsOf: response.headers)
        if close { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

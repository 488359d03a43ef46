import NIOCore
import NIOHTTP1
import NIOPosix
import Telemetry
import TelemetryOTLPData

/// Reads one request at a time on a connection and answers it.
///
/// Slow clients are bounded: a connection must send its first request head within the read-header
/// timeout, a body within the read timeout of its head, and a kept-alive connection its next request
/// within the idle timeout; otherwise it is closed and counted. The body is gathered in one array
/// (`RequestBodyBuffer`: O(n), its storage reserved in the memory budget as the bytes arrive, never
/// from the declared length) and handed on without a copy.
///
/// A request answered before its body was read (429, 413, 401…) is closed gracefully: the answer is
/// sent, the sending side shut down, and what the client still sends is read and thrown away for up
/// to `lingerTime`, so the client reads the answer instead of a connection reset.
final class OTLPHTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case waitingForHead
        case reading(OTLPHTTPPolicy.Head, HTTPRequestHead, OTLPSignal, MemoryLease)
        case discarding
        case processing
    }

    private let policy: OTLPHTTPPolicy
    private let threadPool: NIOThreadPool
    private var state = State.waitingForHead
    // Kept outside `state`, so appending never copies the body gathered so far.
    private var body = RequestBodyBuffer(maxBodyBytes: 0, declaredLength: 0)
    private var deadline: Scheduled<Void>?
    /// Whether the answer has been sent and the connection only waits for the client to stop sending.
    private var lingering = false

    /// How long a connection answered early keeps reading (and discarding) the rest of the request.
    static let lingerTime = Duration.seconds(1)

    init(policy: OTLPHTTPPolicy, threadPool: NIOThreadPool) {
        self.policy = policy
        self.threadPool = threadPool
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(policy.settings.readHeaderTimeout, reason: "header_timeout", context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        body = RequestBodyBuffer(maxBodyBytes: 0, declaredLength: 0)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let request), .waitingForHead):
            head(request, context: context)
        case (.body(let chunk), .reading(let head, let request, let signal, let lease)):
            do throws(RequestBodyBuffer.Failure) {
                try body.append(chunk, lease: lease)
            } catch .tooLarge {
                finishDiscarding(policy.bodyTooLarge(signal, contentType: head.contentType), request, context: context)
            } catch {
                finishDiscarding(
                    policy.memoryLimit(signal, json: OTLPHTTPRoutes.isJSON(head.contentType)), request, context: context)
            }
        case (.end, .reading(let head, let request, let signal, let lease)):
            deadline?.cancel()
            state = .processing
            process(head, request, signal, lease, context: context)
        case (.end, .discarding) where lingering:
            deadline?.cancel()
            context.close(promise: nil)
        case (.end, .discarding):
            state = .waitingForHead
            arm(policy.settings.idleTimeout, reason: "idle_timeout", context: context)
        default:
            break
        }
    }

    private func head(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
        deadline?.cancel()
        let headers = request.headers
        let head = OTLPHTTPPolicy.Head(
            method: request.method.rawValue, path: request.uri, contentType: headers.first(name: "content-type"),
            contentEncoding: headers.first(name: "content-encoding"), authorization: headers.first(name: "authorization"),
            contentLength: headers.first(name: "content-length").flatMap { Int($0) },
            metadata: policy.settings.includeMetadata ? .received(headers) : .empty)
        switch policy.decide(head) {
        case .answer(let answer):
            // The client may still be sending a body that will not be read: close after answering,
            // unless the request had none.
            let hasBody = (head.contentLength ?? 0) > 0 || headers.contains(name: "transfer-encoding")
            state = .discarding
            if hasBody {
                answerAndLinger(answer, request, context: context)
            } else {
                respond(answer, to: request, context: context, close: !request.isKeepAlive)
            }
        case .read(let signal, let lease):
            body = RequestBodyBuffer(
                maxBodyBytes: policy.settings.maxBodyBytes, declaredLength: head.contentLength, heldBesides: head.metadata.textBytes)
            state = .reading(head, request, signal, lease)
            arm(policy.settings.readTimeout, reason: "read_timeout", context: context)
        }
    }

    private func process(
        _ head: OTLPHTTPPolicy.Head, _ request: HTTPRequestHead, _ signal: OTLPSignal, _ lease: MemoryLease,
        context: ChannelHandlerContext
    ) {
        guard let bytes = body.take(lease: lease) else {
            let answer = policy.memoryLimit(signal, json: OTLPHTTPRoutes.isJSON(head.contentType))
            state = .waitingForHead
            respond(answer, to: request, context: context, close: !request.isKeepAlive)
            arm(policy.settings.idleTimeout, reason: "idle_timeout", context: context)
            return
        }
        let policy = self.policy
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        threadPool.runIfActive(eventLoop: context.eventLoop) {
            policy.answer(bytes, signal: signal, head: head, lease: lease)
        }.whenComplete { result in
            let (handler, context) = bound.value
            let answer: HTTPAnswer =
                switch result {
                case .success(let answer): answer
                case .failure: .failure(503, "the gateway is shutting down", json: false)
                }
            handler.state = .waitingForHead
            handler.respond(answer, to: request, context: context, close: !request.isKeepAlive || answer.status == 503)
            handler.arm(handler.policy.settings.idleTimeout, reason: "idle_timeout", context: context)
        }
    }

    private func finishDiscarding(_ answer: HTTPAnswer, _ request: HTTPRequestHead, context: ChannelHandlerContext) {
        body = RequestBodyBuffer(maxBodyBytes: 0, declaredLength: 0)
        state = .discarding
        answerAndLinger(answer, request, context: context)
    }

    /// Answers a request whose body will not be read, shuts the sending side, and closes when the
    /// client has finished sending or after `lingerTime`.
    private func answerAndLinger(_ answer: HTTPAnswer, _ request: HTTPRequestHead, context: ChannelHandlerContext) {
        deadline?.cancel()
        lingering = true
        let channel = context.channel
        respond(answer, to: request, context: context, close: false, connectionClose: true).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: Self.lingerTime.nanoseconds))) {
            bound.value.close(promise: nil)
        }
    }

    /// Closes the connection when `timeout` passes before the next step disarms it.
    private func arm(_ timeout: Duration, reason: String, context: ChannelHandlerContext) {
        deadline?.cancel()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: timeout.nanoseconds))) {
            let (handler, context) = bound.value
            if case .processing = handler.state { return }
            handler.policy.intake.metrics.connectionClosed(receiver: handler.policy.name, reason: reason)
            context.close(promise: nil)
        }
    }

    /// Writes `answer`; closes the connection after it when `close`, and says so (`Connection: close`)
    /// when `close` or `connectionClose`. The future completes when the answer is written.
    @discardableResult
    private func respond(
        _ answer: HTTPAnswer, to request: HTTPRequestHead, context: ChannelHandlerContext, close: Bool, connectionClose: Bool = false
    ) -> EventLoopFuture<Void> {
        var headers = HTTPHeaders([("Content-Type", answer.contentType), ("Content-Length", String(answer.body.count))])
        headers.add(contentsOf: answer.headers)
        if close || connectionClose { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: answer.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if !answer.body.isEmpty, request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: answer.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
        return written
    }
}

import NIOCore
import NIOHTTP2
import TelemetryGatewayCore

/// The first handler of every gRPC stream, ahead of grpc-swift's deframer, so that no message byte is
/// buffered unless it was let in:
/// - a stream without the bearer token has its DATA dropped unread (the RPC handler answers
///   UNAUTHENTICATED from the headers alone);
/// - the first message is let in only once `GRPCMessageBound`'s reservation for it, taken when its
///   5-byte prefix arrives, fits the budget; otherwise the stream is ended before any of its bytes is
///   passed on and the handler answers UNAVAILABLE with RetryInfo;
/// - bytes after the first message (OTLP's Export takes one) are dropped.
/// The storage part of the reservation is held until the stream closes; the message part is taken by
/// the handler through `GRPCStreamAdmissions`.
final class GRPCStreamGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload

    private enum Phase {
        /// Before the stream's headers.
        case headers
        /// Collecting the first message's prefix.
        case prefix
        /// Passing on the first message's remaining bytes.
        case message(remaining: Int)
        /// Everything else: the stream was not let in, or its message is complete.
        case dropping
    }

    private let budget: MemoryBudget
    private let bound: GRPCMessageBound
    private let bearerToken: String?
    private let admissions: GRPCStreamAdmissions
    private let admission = GRPCStreamAdmission()
    private var ticket: UInt64?
    private var phase = Phase.headers
    private var prefix = ByteBuffer()
    private var storage: MemoryLease?
    private var endPassedOn = false

    init(budget: MemoryBudget, bound: GRPCMessageBound, bearerToken: String?, admissions: GRPCStreamAdmissions) {
        self.budget = budget
        self.bound = bound
        self.bearerToken = bearerToken
        self.admissions = admissions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers): receive(headers, context: context)
        case .data(let data): receive(data, context: context)
        default: context.fireChannelRead(data)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    private func release() {
        storage = nil
        if let ticket { admissions.remove(ticket) }
        ticket = nil
    }

    private func receive(_ frame: HTTP2Frame.FramePayload.Headers, context: ChannelHandlerContext) {
        guard case .headers = phase else {
            context.fireChannelRead(wrapInboundOut(.headers(frame)))
            return
        }
        var frame = frame
        let ticket = admissions.register(admission)
        self.ticket = ticket
        frame.headers.remove(name: GRPCStreamAdmissions.ticketKey)
        frame.headers.add(name: GRPCStreamAdmissions.ticketKey, value: String(ticket))
        let authorized = bearerToken.map { BearerToken.matches(frame.headers.first(name: "authorization") ?? "", $0) } ?? true
        storage = authorized ? budget.reserve(GRPCMessageBound.streamOverhead) : nil
        phase = storage == nil ? .dropping : .prefix
        endPassedOn = frame.endStream
        context.fireChannelRead(wrapInboundOut(.headers(frame)))
        if authorized && storage == nil { refuse(context: context) }
    }

    private func receive(_ frame: HTTP2Frame.FramePayload.Data, context: ChannelHandlerContext) {
        guard case .byteBuffer(var bytes) = frame.data else {
            context.fireChannelRead(wrapInboundOut(.data(frame)))
            return
        }
        var pieces: [ByteBuffer] = []
        while bytes.readableBytes > 0 {
            switch phase {
            case .headers, .dropping:
                bytes.moveReaderIndex(to: bytes.writerIndex)
            case .prefix:
                var part = bytes.readSlice(length: min(GRPCMessageBound.prefixBytes - prefix.readableBytes, bytes.readableBytes)) ?? ByteBuffer()
                prefix.writeBuffer(&part)
                guard prefix.readableBytes == GRPCMessageBound.prefixBytes else { continue }
                guard let length = admitMessage() else {
                    pass(pieces, endStream: false, context: context)
                    refuse(context: context)
                    return
                }
                pieces.append(prefix)
                phase = length > 0 ? .message(remaining: length) : .dropping
            case .message(let remaining):
                let count = min(remaining, bytes.readableBytes)
                pieces.append(bytes.readSlice(length: count) ?? ByteBuffer())
                phase = remaining > count ? .message(remaining: remaining - count) : .dropping
            }
        }
        pass(pieces, endStream: frame.endStream, context: context)
    }

    /// Reserves the bound of the message whose prefix is complete; its length to pass on, or nil when
    /// the budget cannot cover it. A length over the limit is passed on unreserved: grpc-swift refuses
    /// it (RESOURCE_EXHAUSTED) from the prefix, before buffering any of it, and the rest is dropped.
    private func admitMessage() -> Int? {
        let compressed = prefix.getInteger(at: prefix.readerIndex, as: UInt8.self) == 1
        let length = Int(prefix.getInteger(at: prefix.readerIndex + 1, as: UInt32.self) ?? 0)
        guard length <= bound.maxMessageBytes else { return 0 }
        guard let storage else { return nil }
        let overhead = storage.bytes
        guard storage.resize(to: overhead + bound.storage(length: length)) else { return nil }
        guard let lease = budget.reserve(bound.message(length: length, compressed: compressed)) else {
            storage.resize(to: overhead)
            return nil
        }
        admission.admit(lease)
        return length
    }

    /// Ends the stream for grpc-swift without a message (the handler then sees the refusal); whatever
    /// else the client sends is dropped.
    private func refuse(context: ChannelHandlerContext) {
        admission.refuse()
        phase = .dropping
        pass([], endStream: true, context: context)
    }

    private func pass(_ pieces: [ByteBuffer], endStream: Bool, context: ChannelHandlerContext) {
        let end = endStream && !endPassedOn
        endPassedOn = endPassedOn || end
        for (index, piece) in pieces.enumerated() {
            let last = index == pieces.count - 1
            context.fireChannelRead(wrapInboundOut(.data(.init(data: .byteBuffer(piece), endStream: last && end))))
        }
        if pieces.isEmpty && end {
            context.fireChannelRead(wrapInboundOut(.data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))))
        }
    }
}

import NIOCore
import NIOHTTP2
import TelemetryGatewayCore

/// The first handler of every gRPC stream, ahead of grpc-swift's deframer, so that no message byte is
/// buffered unless it was let in:
/// - a stream without the bearer token has its DATA dropped unread (the RPC handler answers
///   UNAUTHENTICATED from the headers alone);
/// - the first message's bytes are let in only as far as the budget covers what grpc-swift buffers for
///   them (`GRPCMessageBound.storage`), reserved as they arrive — never from the length its prefix
///   declares, so a stream that declares a large message and sends nothing holds nothing — and the
///   message's last byte only once the copy (or the inflated message) is reserved too
///   (`GRPCMessageBound.message`); otherwise the stream is ended there and the handler answers
///   UNAVAILABLE with RetryInfo;
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
        /// Passing on the first message's remaining bytes (of `length`, compressed or not).
        case message(length: Int, remaining: Int, compressed: Bool)
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
    /// What `storage` held before the message (the stream's own overhead).
    private var storageBase = 0
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
                guard let (length, compressed) = admitMessage() else {
                    pass(pieces, endStream: false, context: context)
                    refuse(context: context)
                    return
                }
                pieces.append(prefix)
                phase = length > 0 ? .message(length: length, remaining: length, compressed: compressed) : .dropping
            case .message(let length, let remaining, let compressed):
                let count = min(remaining, bytes.readableBytes)
                guard admitBytes(length - remaining + count, of: length, compressed: compressed) else {
                    pass(pieces, endStream: false, context: context)
                    refuse(context: context)
                    return
                }
                pieces.append(bytes.readSlice(length: count) ?? ByteBuffer())
                phase = remaining > count ? .message(length: length, remaining: remaining - count, compressed: compressed) : .dropping
            }
        }
        pass(pieces, endStream: frame.endStream, context: context)
    }

    /// Admits the message whose prefix is complete: its length and whether it is compressed, or nil when
    /// the budget cannot cover the prefix's storage. A length over the limit is passed on unreserved:
    /// grpc-swift refuses it (RESOURCE_EXHAUSTED) from the prefix, before buffering any of it, and the
    /// rest is dropped.
    private func admitMessage() -> (length: Int, compressed: Bool)? {
        let compressed = prefix.getInteger(at: prefix.readerIndex, as: UInt8.self) == 1
        let length = Int(prefix.getInteger(at: prefix.readerIndex + 1, as: UInt32.self) ?? 0)
        guard length <= bound.maxMessageBytes else { return (0, compressed) }
        guard let storage else { return nil }
        storageBase = storage.bytes
        guard storage.resize(to: storageBase + bound.storage(length: 0)) else { return nil }
        return (length, compressed)
    }

    /// Reserves the storage of the message's first `received` bytes (of `length`) before they are passed
    /// on, and with its last byte the message part, handed to the RPC handler; false when the budget
    /// cannot cover it.
    private func admitBytes(_ received: Int, of length: Int, compressed: Bool) -> Bool {
        guard let storage, storage.resize(to: storageBase + bound.storage(length: received)) else { return false }
        guard received == length else { return true }
        guard let lease = budget.reserve(bound.message(length: length, compressed: compressed)) else { return false }
        admission.admit(lease)
        return true
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

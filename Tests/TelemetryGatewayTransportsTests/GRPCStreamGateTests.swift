import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import TelemetryGatewayCore
@testable import TelemetryGatewayTransports
import Testing

/// `GRPCStreamGate` on an embedded channel: what it passes on to grpc-swift's deframer, and what it reserves.
@Suite("OTLP/gRPC receiver: the stream gate")
struct GRPCStreamGateTests {
    static let bound = GRPCMessageBound(maxMessageBytes: 1 << 20)

    static func channel(budget: MemoryBudget, token: String? = nil) -> EmbeddedChannel {
        EmbeddedChannel(handler: GRPCStreamGate(budget: budget, bound: bound, bearerToken: token, admissions: GRPCStreamAdmissions()))
    }

    static func headers(authorization: String? = nil) -> HTTP2Frame.FramePayload {
        var headers: HPACKHeaders = [":path": "/x", "content-type": "application/grpc", GRPCStreamAdmissions.ticketKey: "999"]
        if let authorization { headers.add(name: "authorization", value: authorization) }
        return .headers(.init(headers: headers))
    }

    static func data(_ bytes: [UInt8], end: Bool = false) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: end))
    }

    /// The tickets in the headers passed on, the DATA bytes passed on, and whether the end was.
    static func passedOn(_ channel: EmbeddedChannel) throws -> (tickets: [String], bytes: [UInt8], end: Bool) {
        var passed: (tickets: [String], bytes: [UInt8], end: Bool) = ([], [], false)
        while let frame = try channel.readInbound(as: HTTP2Frame.FramePayload.self) {
            switch frame {
            case .headers(let headers): passed.tickets += headers.headers[GRPCStreamAdmissions.ticketKey]
            case .data(let data):
                if case .byteBuffer(let buffer) = data.data { passed.bytes += Array(buffer.readableBytesView) }
                passed.end = passed.end || data.endStream
            default: break
            }
        }
        return passed
    }

    @Test("A prefix split over frames is reserved once whole, the message passed on intact, bytes after it dropped, the client's ticket replaced")
    func splitPrefix() throws {
        let budget = MemoryBudget(limitBytes: 64 << 20)
        let channel = Self.channel(budget: budget)
        try channel.writeInbound(Self.headers())
        let message: [UInt8] = [0, 0, 0, 0, 3, 7, 8, 9]
        try channel.writeInbound(Self.data(Array(message[0..<2])))
        #expect(budget.usedBytes == GRPCMessageBound.streamOverhead, "nothing reserved for the message before its length is known")
        try channel.writeInbound(Self.data(Array(message[2...]) + [0, 0, 0, 0, 1, 5], end: true))
        #expect(budget.usedBytes == GRPCMessageBound.streamOverhead + Self.bound.storage(length: 3) + Self.bound.message(length: 3, compressed: false))
        let passed = try Self.passedOn(channel)
        #expect(passed.bytes == message && passed.end)
        #expect(passed.tickets.count == 1 && passed.tickets != ["999"])
        _ = try channel.finish()
    }

    @Test("Bytes are reserved as they arrive, never from the declared length; the copy (3 x the limit when compressed) with the last byte; past the budget the stream ends there")
    func reservedAsBytesArrive() throws {
        let budget = MemoryBudget(limitBytes: 4 << 20)
        let first = Self.channel(budget: budget)
        try first.writeInbound(Self.headers())
        // A prefix declaring 1 MiB and nothing more holds only the storage of the prefix.
        try first.writeInbound(Self.data([0, 0, 0x10, 0, 0]))
        #expect(budget.usedBytes == GRPCMessageBound.streamOverhead + Self.bound.storage(length: 0))
        try first.writeInbound(Self.data([UInt8](repeating: 1, count: 1000)))
        #expect(budget.usedBytes == GRPCMessageBound.streamOverhead + Self.bound.storage(length: 1000))
        _ = try first.finish()
        #expect(budget.usedBytes == 0)
        let compressed = Self.channel(budget: budget)
        try compressed.writeInbound(Self.headers())
        try compressed.writeInbound(Self.data([1, 0, 0, 0, 2, 0x78, 0x9C]))
        #expect(budget.usedBytes == GRPCMessageBound.streamOverhead + Self.bound.storage(length: 2) + 3 << 20)
        #expect(try Self.passedOn(compressed).bytes.count == 7)
        // A second compressed message's copy does not fit what is left: its stream ends before its last byte.
        let second = Self.channel(budget: budget)
        try second.writeInbound(Self.headers())
        try second.writeInbound(Self.data([1, 0, 0, 0, 100] + [UInt8](repeating: 1, count: 100)))
        let passed = try Self.passedOn(second)
        #expect(passed.bytes.count < 105 && passed.end, "ended for grpc-swift before the message's last byte")
        try second.writeInbound(Self.data([UInt8](repeating: 1, count: 100), end: true))
        #expect(try Self.passedOn(second).bytes.isEmpty, "the rest is dropped, the end not passed on twice")
        _ = try compressed.finish()
        _ = try second.finish()
    }

    @Test("Without the bearer token nothing is reserved and no DATA byte is passed on, only the stream's end")
    func unauthenticated() throws {
        let budget = MemoryBudget(limitBytes: 64 << 20)
        for authorization in [nil, "Bearer wrong"] {
            let channel = Self.channel(budget: budget, token: "s3cret")
            try channel.writeInbound(Self.headers(authorization: authorization))
            try channel.writeInbound(Self.data([1, 0, 0, 0, 4, 1, 2, 3, 4], end: true))
            let passed = try Self.passedOn(channel)
            #expect(passed.bytes.isEmpty && passed.end && budget.usedBytes == 0)
            _ = try channel.finish()
        }
        let allowed = Self.channel(budget: budget, token: "s3cret")
        try allowed.writeInbound(Self.headers(authorization: "Bearer s3cret"))
        try allowed.writeInbound(Self.data([0, 0, 0, 0, 1, 9], end: true))
        #expect(try Self.passedOn(allowed).bytes == [0, 0, 0, 0, 1, 9])
        _ = try allowed.finish()
    }
}

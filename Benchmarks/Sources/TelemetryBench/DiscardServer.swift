import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import Synchronization

/// A loopback OTLP/HTTP receiver that counts the spans it receives and discards them
/// (run in its own process: `telemetry-bench discard-server PORT`).
enum DiscardServer {
    static let spans = Atomic<Int>(0)

    static func run(port: Int) throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(NIOHTTPRequestDecompressor(limit: .size(256 << 20)))
                    try channel.pipeline.syncOperations.addHandler(Handler())
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        try channel.closeFuture.wait()
    }

    /// Counts the spans of an encoded ExportTraceServiceRequest by walking its protobuf fields
    /// (resource_spans = 1 → scope_spans = 2 → spans = 2); log records of an ExportLogsServiceRequest
    /// sit at the same field numbers (resource_logs = 1 → scope_logs = 2 → log_records = 2), and so do the
    /// metrics (not data points) of an ExportMetricsServiceRequest.
    static func countSpans(_ bytes: [UInt8]) -> Int {
        var total = 0
        for resource in fields(bytes[...], number: 1) {
            for scope in fields(resource, number: 2) { total += fields(scope, number: 2).count }
        }
        return total
    }

    private static func fields(_ bytes: ArraySlice<UInt8>, number wanted: UInt64) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = bytes.startIndex
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.endIndex, let key = varint() {
            switch key & 7 {
            case 0: _ = varint()
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), index + Int(length) <= bytes.endIndex else { return result }
                if key >> 3 == wanted { result.append(bytes[index..<index + Int(length)]) }
                index += Int(length)
            default: return result
            }
        }
        return result
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body.removeAll(keepingCapacity: true)
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                var response: [UInt8] = []
                if head.uri == "/count" {
                    response = Array(String(DiscardServer.spans.load(ordering: .relaxed)).utf8)
                } else if head.uri == "/reset" {
                    DiscardServer.spans.store(0, ordering: .relaxed)
                } else if head.uri.hasSuffix("/v1/traces") || head.uri.hasSuffix("/v1/logs") || head.uri.hasSuffix("/v1/metrics") {
                    // NIOHTTPRequestDecompressor has inflated a gzip body already.
                    DiscardServer.spans.wrappingAdd(DiscardServer.countSpans(body), ordering: .relaxed)
                }
                let headers = HTTPHeaders([
                    ("Content-Type", "application/x-protobuf"), ("Content-Length", String(response.count)),
                ])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
                if !response.isEmpty {
                    context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}

/// A discard server in a child process, and how to read its counter.
final class DiscardServerProcess: @unchecked Sendable {
    let port: Int
    private let process: Process

    init() throws {
        port = Int.random(in: 20_000...40_000)
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["discard-server", String(port)]
        process.environment = Harness.environmentWithoutInterposer
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        _ = pipe.fileHandleForReading.availableData  // "ready"
    }

    deinit {
        stop()
    }

    /// Kills the server (SIGKILL: the child may inherit a mask that blocks SIGTERM).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    func spanCount() throws -> Int {
        let response = try LoopbackHTTPClient().send("GET", "\(endpoint)/count")
        return Int(String(decoding: response.body, as: UTF8.self)) ?? 0
    }

    func reset() throws {
        _ = try LoopbackHTTPClient().send("POST", "\(endpoint)/reset")
    }
}

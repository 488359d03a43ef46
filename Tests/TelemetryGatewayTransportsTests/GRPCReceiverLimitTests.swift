import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryTestSupport
import Testing

/// The OTLP/gRPC receiver under streams and connections held open by an attacker: tokens checked before a
/// message is read, streams and connections bounded, every message reserved before it is buffered, and
/// requests processed off Swift's cooperative pool; meanwhile a well-behaved client is answered in 2 s.
/// The gateway runs in the test's process, except where its own process is measured (its RSS, its
/// cooperative pool).
@Suite("OTLP/gRPC receiver: limits under attack", .serialized)
struct GRPCReceiverLimitTests {
    static func config(grpc: String, limitMiB: Int = 64, upstream: String) -> String {
        """
        receivers:
          otlp:
            protocols:
              http: {endpoint: 127.0.0.1:RECEIVER_PORT}
              grpc: {endpoint: 127.0.0.1:GRPC_PORT, \(grpc)}
        processors:
          memory_limiter: {check_interval: 1s, limit_mib: \(limitMiB), spike_limit_mib: 4}
        exporters:
          otlphttp: {endpoint: \(upstream)}
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [memory_limiter], exporters: [otlphttp]}
            metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [otlphttp]}
          telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
        """
    }

    /// A gateway in the test's process with the standard transports, and its upstream.
    static func start(grpc: String, limitMiB: Int = 64) async throws -> (InProcessGateway, grpcPort: Int, IntakeServer) {
        let upstream = try await IntakeServer()
        let yaml = config(grpc: grpc, limitMiB: limitMiB, upstream: upstream.endpoint)
            .replacingOccurrences(of: "RECEIVER_PORT", with: "0").replacingOccurrences(of: "GRPC_PORT", with: "0")
            .replacingOccurrences(of: "{address: \"127.0.0.1:TELEMETRY_PORT\"}", with: "{level: none}")
        let gateway = try await InProcessGateway.start(yaml: yaml, transports: .standardOnOwnThreads)
        return (gateway, try #require(gateway.grpcPort), upstream)
    }

    /// A spawned gateway binary, for the tests that measure the gateway's own process.
    static func startProcess(grpc: String, limitMiB: Int = 64, debugExporter: Bool = false) async throws -> (GatewayProcess, grpcPort: Int) {
        let upstream = try await IntakeServer()
        let grpcPort = try freeLoopbackPort()
        var yaml = config(grpc: grpc, limitMiB: limitMiB, upstream: upstream.endpoint).replacingOccurrences(of: "GRPC_PORT", with: String(grpcPort))
        if debugExporter {
            yaml = yaml.replacingOccurrences(of: "otlphttp: {endpoint: \(upstream.endpoint)}", with: "debug: {verbosity: basic}")
                .replacingOccurrences(of: "exporters: [otlphttp]", with: "exporters: [debug]")
        }
        return (try await GatewayProcess(yaml: yaml), grpcPort)
    }

    /// How a raw grpcio call ended.
    struct Call: Sendable, CustomStringConvertible {
        let code: String
        let seconds: Double
        let description: String

        /// Answered OK within 2 s.
        var okInTime: Bool { code == "OK" && seconds < 2 }
    }

    /// One raw grpcio call.
    static func call(_ port: Int, _ method: String = GRPCReceiverTests.traceExport, body: [UInt8], token: String? = nil) async throws -> Call {
        try await call(port, input: try callInput(method, body: body, token: token))
    }

    /// The call as grpc_raw_call.py reads it (built ahead for large bodies: hex takes a while).
    static func callInput(_ method: String, body: [UInt8], token: String? = nil) throws -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(body.count * 2)
        for byte in body {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        var line: [String: Any] = ["method": method, "body_hex": String(decoding: hex, as: UTF8.self)]
        if let token { line["token"] = token }
        return String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self) + "\n"
    }

    /// One raw grpcio call, run off the cooperative pool (an in-process gateway serves gRPC on it).
    static func call(_ port: Int, input: String) async throws -> Call {
        let result = try json(try await peer("grpc_raw_call.py", ["127.0.0.1:\(port)"], input: input, timeout: 60))
        return Call(code: result["code"] as? String ?? "", seconds: result["seconds"] as? Double ?? .infinity, description: "\(result)")
    }

    /// A Python peer, run off the cooperative pool.
    static func peer(_ script: String, _ arguments: [String], input: String = "", timeout: TimeInterval) async throws -> ProcessOutput {
        try await offCooperativePool { try TestPeers.runPython(script, arguments, input: input, timeout: timeout) }
    }

    static func json(_ output: ProcessOutput) throws -> [String: Any] {
        try #require(output.status == 0, "the peer failed: \(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    static let smallRequest = OTLPRequests.spans([(trace: TraceID.random(), name: "victim", root: true, traceState: "")])
    static let overheadBytes = HostileResourceHarness.overheadBytes

    @Test("40 unauthenticated streams holding 8 MiB gzip bombs: answered UNAUTHENTICATED at once, unread; RSS under budget + 96 MiB; a client with the token answered OK in 2 s")
    func unauthenticatedStreamsAreNotRead() async throws {
        let (gateway, grpcPort) = try await Self.startProcess(grpc: "max_recv_msg_size_mib: 8, bearer_token: s3cret")
        let attack = Task {
            try await Self.peer("grpc_hold_streams.py", ["127.0.0.1:\(grpcPort)", "40", "4", String((8 << 20) - 1024), "6", "bomb"], timeout: 90)
        }
        try await Task.sleep(for: .seconds(3))
        let victim = try await Self.call(grpcPort, body: Self.smallRequest, token: "s3cret")
        let held = try Self.json(try await attack.value)
        #expect(victim.okInTime, "\(victim)")
        #expect(held["answered_while_held"] as? Int == 40, "\(held)")
        #expect((held["codes"] as? [String: Int]) == ["UNAUTHENTICATED": 40], "\(held)")
        let peak = gateway.peakResidentBytes()
        #expect(peak < (64 << 20) + Self.overheadBytes, "peak RSS \(peak >> 20) MiB with a 64 MiB budget")
        #expect(gateway.terminate() == 0)
    }

    @Test("A declared message length buys nothing: streams that declare 8 MiB and send 60,000 bytes hold what they sent, none is refused, a small client gets OK in 2 s")
    func messagesReservedAsTheyArrive() async throws {
        let (gateway, grpcPort, _) = try await Self.start(grpc: "max_recv_msg_size_mib: 8")
        // Reserved from the declared length (2 x (8 MiB + 5) + 160 KiB + 8 MiB a stream), two of these fit
        // in 64 MiB and the other eight were refused; reserved as bytes arrive, each holds ~300 KiB.
        let attack = Task {
            try await Self.peer("h2_raw.py", ["partial", String(grpcPort), "10", String(8 << 20), "60000", "4"], timeout: 60)
        }
        try await Task.sleep(for: .seconds(1))
        let used = gateway.selfMetric("telemetry_gateway_memory_used_bytes")
        let victim = try await Self.call(grpcPort, body: Self.smallRequest)
        _ = try await attack.value
        #expect(victim.okInTime, "\(victim)")
        #expect((used ?? .infinity) < Double(10 << 20), "\(used ?? -1) bytes reserved for 10 streams of 60,000 bytes")
        let refused = gateway.selfMetric("telemetry_gateway_requests_total", including: ["signal": "traces", "status": "UNAVAILABLE"])
        #expect((refused ?? 0) == 0)
        await gateway.stop()
    }

    @Test("Streams that never half-close are answered after their message and release what they held: the budget is free again while the attacker still holds them; a small client gets OK in 2 s")
    func answeredStreamsDoNotKeepTheirReservation() async throws {
        let (gateway, grpcPort, _) = try await Self.start(grpc: "max_recv_msg_size_mib: 8")
        // 16 valid 1 MiB requests (one unknown field), each stream holding 2 x 1 MiB + 160 KiB for its
        // buffer until it ends: 35 MiB of the 64 MiB budget if the streams stayed open (grpc-swift closes
        // a stream once it has answered).
        let attack = Task {
            try await Self.peer("grpc_hold_streams.py", ["127.0.0.1:\(grpcPort)", "16", "4", String(1 << 20), "8", "unknown"], timeout: 90)
        }
        try await Task.sleep(for: .seconds(5))
        let used = gateway.selfMetric("telemetry_gateway_memory_used_bytes") ?? .infinity
        let victim = try await Self.call(grpcPort, body: Self.smallRequest)
        let held = try Self.json(try await attack.value)
        #expect(held["answered_while_held"] as? Int == 16 && (held["codes"] as? [String: Int]) == ["OK": 16], "\(held)")
        #expect(used < Double(1 << 20), "\(used) bytes still reserved 5 s after the attack's answers")
        #expect(victim.okInTime, "\(victim)")
        #expect(await gateway.stop())
    }

    @Test("max_concurrent_streams is announced in SETTINGS; a client opening more anyway loses its connection (GOAWAY); the receiver keeps serving")
    func concurrentStreamLimit() async throws {
        let (gateway, grpcPort, _) = try await Self.start(grpc: "max_recv_msg_size_mib: 8, max_concurrent_streams: 4")
        let result = try Self.json(try await Self.peer("h2_raw.py", ["streams", String(grpcPort), "10"], timeout: 30))
        #expect(result["max_concurrent_streams"] as? Int == 4, "\(result)")
        #expect(result["goaway"] as? Bool == true && result["closed"] as? Bool == true, "\(result)")
        #expect(try await Self.call(grpcPort, body: Self.smallRequest).code == "OK")
        #expect(await gateway.stop())
    }

    @Test("max_connections: connections past it are closed at once and counted; the listener keeps serving")
    func connectionLimit() async throws {
        let (gateway, grpcPort, _) = try await Self.start(grpc: "max_recv_msg_size_mib: 8, max_connections: 4")
        let result = try Self.json(try await Self.peer("h2_raw.py", ["connections", String(grpcPort), "8"], timeout: 30))
        #expect(result["closed"] as? Int == 4, "\(result)")
        let closed = gateway.selfMetric("telemetry_gateway_receiver_connections_closed_total", including: ["reason": "connection_limit"])
        #expect(closed == 4)
        #expect(try await Self.call(grpcPort, body: Self.smallRequest).code == "OK")
        #expect(await gateway.stop())
    }

    /// A valid metrics request of `points` gauge points with an attribute each: decoded and checked point by
    /// point, so it takes a while.
    static func bigMetrics(points: Int) -> [UInt8] {
        var fixed64: [UInt8] { [0x80, 0xE0, 0x37, 0x79, 0xC3, 0x11, 0xD2, 0x17] }
        let point = [0x19] + fixed64 + [0x31] + fixed64 + Wire.field(7, Wire.string(1, "host") + Wire.field(2, Wire.string(1, "h")))
        let gauge = Wire.field(1, point)
        var metrics: [UInt8] = []
        let perMetric = 1000
        for index in 0..<(points / perMetric) {
            let dataPoints = Array([[UInt8]](repeating: gauge, count: perMetric).joined())
            metrics += Wire.field(2, Wire.string(1, "m\(index)") + Wire.field(5, dataPoints))
        }
        return Wire.field(1, Wire.field(2, metrics))
    }

    @Test("Two slow requests in processing do not stall a small one (processing runs off the cooperative pool)")
    func slowRequestsDoNotStallSmallOnes() async throws {
        // In its own process: the test runner's cooperative pool is busy with other suites.
        let (gateway, grpcPort) = try await Self.startProcess(
            grpc: "max_recv_msg_size_mib: 20, max_decoded_bytes: 1073741824", limitMiB: 1024, debugExporter: true)
        // 18.9 MiB, 600,000 points, processed and then refused by the debug exporter's 16 MiB queue: about
        // 8 s alone in a debug build, 20 s two at once (2 cores); sent within a second, so 3 s later both
        // are being processed.
        let body = Self.bigMetrics(points: 600_000)
        let input = try Self.callInput("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", body: body)
        let slow = (0..<2).map { _ in Task { try await Self.call(grpcPort, input: input) } }
        try await Task.sleep(for: .seconds(3))
        let victim = try await Self.call(grpcPort, body: Self.smallRequest)
        var slowResults: [Call] = []
        for task in slow { slowResults.append(try await task.value) }
        let slowest = slowResults.map(\.seconds).max() ?? 0
        #expect(victim.okInTime, "victim \(victim), slow ones \(slowResults)")
        #expect(slowest > 5, "the slow requests must be slow for this test to mean anything: \(slowResults)")
        // SIGTERM waits for the requests in processing: on a busy machine that outlasts the default 15 s.
        #expect(gateway.terminate(timeout: 90) == 0)
    }

    @Test("A max_recv_msg_size_mib whose worst case (5 x it + 160 KiB) the memory budget cannot hold is warned about at start, naming both; the gateway serves")
    func messageSizeOverBudgetIsWarnedAtStart() async throws {
        let (gateway, _, _) = try await Self.start(grpc: "max_recv_msg_size_mib: 20", limitMiB: 64)
        let log = gateway.logText()
        #expect(log.contains("max_recv_msg_size_mib 20 needs up to 100 MiB") && log.contains("memory budget of 64 MiB"), "\(log)")
        await gateway.stop()
    }
}

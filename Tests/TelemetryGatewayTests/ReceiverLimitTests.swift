import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

/// Slow and greedy clients are bounded: header, read and idle timeouts, and a connection limit.
@Suite("Gateway: receiver limits")
struct ReceiverLimitTests {
    static func gateway(_ settings: String) throws -> InProcessGateway {
        try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            \(settings)
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
    }

    private static func port(_ gateway: InProcessGateway) -> Int { Int(gateway.url.split(separator: ":").last ?? "") ?? 0 }

    @Test("A client that never finishes its head, its body, or its next request is closed and counted")
    func slowClients() throws {
        let gateway = try Self.gateway("""
                    read_header_timeout: 300ms
                    read_timeout: 300ms
                    idle_timeout: 300ms
            """)
        defer { gateway.shutdown() }
        let port = Self.port(gateway)
        let slowHead = try RawConnection(port: port)
        slowHead.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\n")
        #expect(slowHead.readUntilClosed(timeout: 10).closed, "a half-sent head keeps the connection")

        let slowBody = try RawConnection(port: port)
        slowBody.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\n12345")
        #expect(slowBody.readUntilClosed(timeout: 10).closed, "a body that stops coming keeps the connection")

        let idle = try RawConnection(port: port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let answered = idle.readUntilClosed(timeout: 10)
        #expect(answered.text.hasPrefix("HTTP/1.1 200") && answered.closed, "an idle kept-alive connection stays open")

        for reason in ["header_timeout", "read_timeout", "idle_timeout"] {
            #expect(gateway.selfMetric("telemetry_gateway_receiver_connections_closed_total", ["receiver": "otlp", "reason": reason]) == 1, "\(reason)")
        }
    }

    @Test("Connections beyond max_connections are closed at once and counted; served ones keep working")
    func connectionLimit() throws {
        let gateway = try Self.gateway("        max_connections: 2")
        defer { gateway.shutdown() }
        let port = Self.port(gateway)
        let first = try RawConnection(port: port)
        let second = try RawConnection(port: port)
        first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let third = try RawConnection(port: port)
        third.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = third.readUntilClosed(timeout: 10)
        #expect(refused.closed && refused.text.isEmpty)
        #expect(first.readUntilClosed(timeout: 0.5).text.hasPrefix("HTTP/1.1 200"))
        #expect(gateway.selfMetric("telemetry_gateway_receiver_connections_closed_total", ["receiver": "otlp", "reason": "connection_limit"]) == 1)
    }

    @Test("A 16 MiB body sent in 4 KiB chunks is gathered and accepted")
    func chunkedBody() throws {
        let gateway = try Self.gateway("        max_request_body_size: 33554432")
        defer { gateway.shutdown() }
        var generator = SystemRandomNumberGenerator()
        var body: [UInt8] = []
        while body.count < 16 << 20 { body += try OTLPRequests.traces(count: 200, spansPerTrace: 5, using: &generator) }
        let connection = try RawConnection(port: Self.port(gateway))
        connection.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        var offset = 0
        while offset < body.count {
            let chunk = body[offset..<min(body.count, offset + 4096)]
            connection.sendBytes(Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10])
            offset += chunk.count
        }
        connection.send("0\r\n\r\n")
        let answer = connection.readUntilClosed(timeout: 60)
        #expect(answer.text.hasPrefix("HTTP/1.1 200"), "\(answer.text.prefix(200))")
        #expect(gateway.memory.itemCount(.traces) > 0)
    }

    @Test("A body refused from its Content-Length is answered, then read and thrown away: a client that keeps sending 8 MiB is not reset and reads its 413")
    func earlyAnswerIsRead() throws {
        let gateway = try Self.gateway("""
                    max_request_body_size: 1048576
            """)
        defer { gateway.shutdown() }
        let body = [UInt8](repeating: 0x0a, count: 8 << 20)
        var answers: [String] = []
        for _ in 0..<5 {
            // As the Python SDK (requests) does: no Expect: 100-continue, the whole body right after the head.
            let connection = try RawConnection(port: Self.port(gateway))
            connection.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n")
            let sentAll = connection.sendBytes(body)
            let (text, closed) = connection.readUntilClosed(timeout: 5)
            answers.append(!sentAll ? "reset while sending" : closed ? String(text.prefix(12)) : "not closed")
        }
        #expect(answers == Array(repeating: "HTTP/1.1 413", count: 5), "\(answers)")
    }
}

import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

/// The OTLP/HTTP receiver reserves a body's storage as its bytes arrive, never from the declared
/// `Content-Length` (issue 28, item 6).
@Suite("Gateway: body reservation")
struct BodyReservationTests {
    static func gateway(limitMiB: Int) throws -> InProcessGateway {
        try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              memory_limiter: {check_interval: 1s, limit_mib: \(limitMiB), spike_limit_mib: 1}
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
    }

    private static func port(_ gateway: InProcessGateway) -> Int { Int(gateway.url.split(separator: ":").last ?? "") ?? 0 }

    private static func head(declaring length: Int) -> String {
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(length)\r\n\r\n"
    }

    @Test("Twenty connections that send only a head declaring 20 MiB hold nothing; a well-behaved client is answered 200 within 2 s")
    func headsAloneHoldNothing() throws {
        // 40 MiB: two 20 MiB declarations would have spent all of it.
        let gateway = try Self.gateway(limitMiB: 40)
        defer { gateway.shutdown() }
        let heads = try (0..<20).map { _ in try RawConnection(port: Self.port(gateway)) }
        for connection in heads { connection.send(Self.head(declaring: 20 << 20)) }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(gateway.service.budget.usedBytes == 0, "heads alone reserved \(gateway.service.budget.usedBytes) bytes")
        var generator = SystemRandomNumberGenerator()
        let body = try OTLPRequests.traces(count: 20, spansPerTrace: 3, using: &generator)
        let started = Date()
        let answer = try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces")
        #expect(answer.status == 200, "a well-behaved client got \(answer.status) while heads were open")
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(heads.count == 20)
    }

    @Test("A body half received holds what it received, at most twice that plus a page: not its declared length")
    func partialBodyHoldsWhatArrived() throws {
        let gateway = try Self.gateway(limitMiB: 64)
        defer { gateway.shutdown() }
        let connection = try RawConnection(port: Self.port(gateway))
        connection.send(Self.head(declaring: 20 << 20))
        let sent = 3 << 20 + 1
        connection.sendBytes([UInt8](repeating: 0x0a, count: sent))
        let deadline = Date().addingTimeInterval(10)
        while gateway.service.budget.usedBytes < sent, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.2)
        let used = gateway.service.budget.usedBytes
        // 3 MiB + 1 byte is held in a 4 MiB step (the next power of two), plus the allocation slack.
        #expect(used >= sent && used <= 2 * sent + 8192, "\(sent) bytes received, \(used) reserved")
    }
}

import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

/// A request that no exporter queue could ever hold is refused for good (413), not 429 forever; the
/// `debug` exporter's queue holds the largest request the receivers take by default (issue 28, item 12).
@Suite("Gateway: requests larger than a queue")
struct QueueFitTests {
    static func gateway(exporters: String, list: String) throws -> InProcessGateway {
        try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            exporters:
            \(exporters)
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [\(list)]}
              telemetry: {metrics: {level: none}}
            """)
    }

    private static func traces(atLeast bytes: Int) throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var body: [UInt8] = []
        while body.count < bytes { body += try OTLPRequests.traces(count: 100, spansPerTrace: 5, using: &generator) }
        return body
    }

    @Test("A 19 MiB request to a debug-only pipeline is taken: the debug queue holds the default body limit")
    func debugQueueHoldsTheDefaultBodyLimit() throws {
        let gateway = try Self.gateway(exporters: "  debug:", list: "debug")
        defer { gateway.shutdown() }
        let body = try Self.traces(atLeast: 19 << 20)
        try #require(body.count <= 20 << 20)
        let answer = try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces")
        #expect(answer.status == 200, "a \(body.count)-byte request to debug was answered \(answer.status)")
    }

    @Test("A request larger than an exporter's whole queue, in memory or on disk, is answered 413; one that fits is taken")
    func largerThanTheQueue() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queue-fit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for storage in ["", ", storage: disk, directory: \(folder)"] {
            let gateway = try Self.gateway(
                exporters: """
                      otlphttp:
                        endpoint: http://127.0.0.1:9
                        retry_on_failure: {enabled: false}
                        sending_queue: {max_bytes: 65536\(storage)}
                    """, list: "otlphttp")
            defer { gateway.shutdown(timeout: .seconds(1)) }
            let large = try OTLPRequests.post(try Self.traces(atLeast: 100_000), to: "\(gateway.url)/v1/traces")
            #expect(large.status == 413, "queue \(storage): \(large.status)")
            var generator = SystemRandomNumberGenerator()
            let small = try OTLPRequests.post(
                try OTLPRequests.traces(count: 5, spansPerTrace: 2, using: &generator), to: "\(gateway.url)/v1/traces")
            #expect(small.status == 200, "queue \(storage): \(small.status)")
        }
    }
}

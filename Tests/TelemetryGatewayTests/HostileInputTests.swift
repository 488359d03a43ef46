import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// Requests built to hurt the gateway, answered with a clear status while it keeps serving (in process).
@Suite("Gateway: hostile requests")
struct HostileInputTests {
    static let yaml = """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
                max_request_body_size: 20971520
                max_decoded_bytes: 67108864
        exporters:
          memory:
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [memory]}
            metrics: {receivers: [otlp], exporters: [memory]}
          telemetry: {metrics: {level: none}}
        """

    @Test("Nesting bombs, decode amplification, bad UTF-8, bad ids, gzip bombs: each its status and message; the gateway keeps serving")
    func hostileBodies() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml)
        defer { gateway.shutdown() }
        let traces = "\(gateway.url)/v1/traces"
        let emptyResources = (0..<(20 << 20) - 16).map { UInt8($0 % 2 == 0 ? 0x0A : 0x00) }
        let deepJSON = "{\"resourceSpans\":" + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}"
        let cases: [(String, [UInt8], String, [(String, String)], Int, String)] = [
            ("nesting bomb", OTLPRequests.nested(depth: 10_000), "application/x-protobuf", [], 400, "deeper than 64"),
            ("amplification", emptyResources, "application/x-protobuf", [], 400, "max_decoded_bytes"),
            ("gzip amplification", Gzip.compress(emptyResources), "application/x-protobuf", [("Content-Encoding", "gzip")], 400,
             "max_decoded_bytes"),
            ("JSON nesting", Array(deepJSON.utf8), "application/json", [], 400, "nests deeper"),
            ("bad UTF-8", Wire.field(1, Wire.field(2, Wire.field(2, Wire.field(1, Array(1...16)) + Wire.field(2, Array(1...8))
                + Wire.field(5, [0xC3, 0x28])))), "application/x-protobuf", [], 400, "UTF-8"),
            ("trace_id of 3 bytes", Wire.field(1, Wire.field(2, Wire.field(2, Wire.field(1, [1, 2, 3]) + Wire.field(2, Array(1...8))))),
             "application/x-protobuf", [], 400, "trace_id is 3 bytes"),
            ("gzip bomb", Gzip.compress([UInt8](repeating: 0, count: 64 << 20)), "application/x-protobuf", [("Content-Encoding", "gzip")],
             413, "decompressed"),
            ("empty body", [], "application/x-protobuf", [], 200, ""),
        ]
        for (name, body, contentType, headers, status, message) in cases {
            let response = try OTLPRequests.post(body, to: traces, contentType: contentType, headers: headers)
            #expect(response.status == status, "\(name): got \(response.status)")
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
            #expect(message.isEmpty || text.contains(message), "\(name): \(text)")
        }
        var generator = SystemRandomNumberGenerator()
        let valid = try OTLPRequests.traces(count: 3, spansPerTrace: 2, using: &generator)
        #expect(try OTLPRequests.post(valid, to: traces).status == 200)
        #expect(gateway.memory.itemCount(.traces) == 6, "only the valid request's spans went on (the empty one forwards nothing)")
        let record = #"{"severityNumber":9,"body":{"stringValue":"x"}}"#
        let logs = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":["# + Array(repeating: record, count: 4).joined(separator: ",") + "]}]}]}"
        #expect(
            try OTLPRequests.post(Array(logs.utf8), to: "\(gateway.url)/v1/logs", contentType: "application/json").status == 404,
            "no logs pipeline")
        // Refused from the head, unread: counted as a request, not by items.
        #expect(gateway.selfMetric("telemetry_gateway_requests_total", ["receiver": "otlp", "signal": "logs", "status": "404"]) == 1)
        #expect(gateway.selfMetric("telemetry_gateway_requests_total", ["receiver": "otlp", "signal": "traces", "status": "400"]) == 6)
    }

    @Test("A declared or streamed body over the limit is refused without reading it all")
    func oversizeBodies() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml.replacingOccurrences(of: "max_request_body_size: 20971520", with: "max_request_body_size: 65536"))
        defer { gateway.shutdown() }
        let declared = try RawConnection(port: Int(gateway.url.split(separator: ":").last ?? "") ?? 0)
        declared.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 99999999999\r\n\r\n")
        let answer = declared.readUntilClosed(timeout: 5)
        #expect(answer.text.hasPrefix("HTTP/1.1 413") && answer.closed, "\(answer.text)")
        let chunked = try RawConnection(port: Int(gateway.url.split(separator: ":").last ?? "") ?? 0)
        chunked.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<80 { chunked.send("400\r\n" + String(repeating: "A", count: 1024) + "\r\n") }
        let streamed = chunked.readUntilClosed(timeout: 5)
        #expect(streamed.text.hasPrefix("HTTP/1.1 413") && streamed.closed, "\(streamed.text)")
    }
}

import Foundation
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

@Suite("OTLP/JSON to protobuf")
struct OTLPJSONTests {
    private let limits = DecodeLimits()

    private func decode(_ bytes: [UInt8], _ signal: String) throws -> [String: Any] {
        let output = try runProcess(try TestPeers.python(), [TestPeers.script("decode_otlp.py"), signal], bytes: bytes)
        guard output.status == 0 else { throw TestPeerError("official decoder refused the bytes: \(output.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("A trace request in OTLP/JSON (hex ids, integer enums, camelCase) converts field for field")
    func traces() throws {
        let json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
              "scopeSpans":[{"scope":{"name":"lib","version":"1.0"},"spans":[{
                "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173",
                "name":"I'm a server span","kind":2,"startTimeUnixNano":"1544712660000000000",
                "endTimeUnixNano":1544712661000000000,"flags":769,
                "attributes":[{"key":"my.int","value":{"intValue":"42"}},{"key":"my.double","value":{"doubleValue":1.5}},
                  {"key":"my.bool","value":{"boolValue":true}},{"key":"my.bytes","value":{"bytesValue":"AQID"}},
                  {"key":"my.array","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":7}]}}}],
                "events":[{"timeUnixNano":"1544712660500000000","name":"ev"}],
                "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002"}],
                "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
                "unknownFutureField":{"ignored":true}}]}]}]}
            """
        let bytes = try OTLPPayload(json: Array(json.utf8), signal: .traces, limits: limits).bytes
        let decoded = try decode(bytes, "traces")
        let resourceSpans = try #require((decoded["resource_spans"] as? [[String: Any]])?.first)
        let span = try #require(((resourceSpans["scope_spans"] as? [[String: Any]])?.first?["spans"] as? [[String: Any]])?.first)
        #expect(span["trace_id"] as? String == "5b8efff798038103d269b633813fc60c")
        #expect(span["span_id"] as? String == "eee19b7ec3c1b174")
        #expect(span["parent_span_id"] as? String == "eee19b7ec3c1b173")
        #expect(span["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(span["start_time_unix_nano"] as? String == "1544712660000000000")
        #expect(span["end_time_unix_nano"] as? String == "1544712661000000000")
        #expect(span["flags"] as? Int == 769)
        let attributes = DecodedSpan.attributes(span)
        #expect(attributes["my.int"]?["int_value"] as? String == "42")
        #expect(attributes["my.double"]?["double_value"] as? Double == 1.5)
        #expect(attributes["my.bool"]?["bool_value"] as? Bool == true)
        #expect(attributes["my.bytes"]?["bytes_value"] as? String == "AQID")
        let array = (attributes["my.array"]?["array_value"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(array?.count == 2 && array?.last?["int_value"] as? String == "7")
        #expect((span["events"] as? [[String: Any]])?.first?["name"] as? String == "ev")
        #expect((span["links"] as? [[String: Any]])?.first?["span_id"] as? String == "0000000000000002")
        #expect((span["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_ERROR")
        let resource = DecodedSpan.attributes(resourceSpans["resource"] as? [String: Any] ?? [:])
        #expect(resource["service.name"]?["string_value"] as? String == "svc")
    }

    @Test("Metrics in OTLP/JSON, including the optional histogram min/max")
    func metrics() throws {
        let json = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
              {"name":"requests","sum":{"aggregationTemporality":1,"isMonotonic":true,
                "dataPoints":[{"asInt":"5","timeUnixNano":"1","attributes":[{"key":"code","value":{"stringValue":"200"}}]}]}},
              {"name":"latency","histogram":{"aggregationTemporality":2,"dataPoints":[{"count":"3","sum":6.5,
                "bucketCounts":["1","2"],"explicitBounds":[1.0],"min":0.5,"max":4}]}}]}]}]}
            """
        let decoded = try decode(try OTLPPayload(json: Array(json.utf8), signal: .metrics, limits: limits).bytes, "metrics")
        let metrics = ((((decoded["resource_metrics"] as? [[String: Any]])?.first?["scope_metrics"] as? [[String: Any]])?
            .first?["metrics"]) as? [[String: Any]]) ?? []
        let sum = metrics.first?["sum"] as? [String: Any]
        #expect(sum?["aggregation_temporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
        #expect(sum?["is_monotonic"] as? Bool == true)
        #expect((sum?["data_points"] as? [[String: Any]])?.first?["as_int"] as? String == "5")
        let point = ((metrics.last?["histogram"] as? [String: Any])?["data_points"] as? [[String: Any]])?.first
        #expect(point?["count"] as? String == "3" && point?["sum"] as? Double == 6.5)
        #expect(point?["bucket_counts"] as? [String] == ["1", "2"] && point?["explicit_bounds"] as? [Double] == [1])
        #expect(point?["min"] as? Double == 0.5 && point?["max"] as? Double == 4)
    }

    /// A request using most of OTLP/JSON's rules at once (no duplicate keys: json_format refuses them).
    static let richTraces = #"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"sv\u00e9 \ud83d\ude00 \"q\""}}],
          "droppedAttributesCount":0},"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C",
          "spanId":"eee19b7ec3c1b174","name":"s","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1e18,"endTimeUnixNano":"1000000000000000001",
          "attributes":[{"key":"d","value":{"doubleValue":"Infinity"}},{"key":"i","value":{"intValue":-42}},{"key":"z","value":{"intValue":"0"}},
            {"key":"b","value":{"bytesValue":"AQID"}},{"key":"e","value":{"doubleValue":"-Infinity"}},{"key":"f","value":{"boolValue":false}},
            {"key":"kv","value":{"kvlistValue":{"values":[{"key":"n","value":{"arrayValue":{"values":[{"doubleValue":2.5e-3},{}]}}}]}}}],
          "events":[{"timeUnixNano":"5","name":"ev","unknown":{"deep":[[1,2],{"x":null}]}}],
          "status":{"code":2,"message":"boom"},"flags":256,"droppedLinksCount":3}]}],"schemaUrl":"https://x"}]}
        """#

    @Test("The specification's examples and a request using most rules decode to the protobuf json_format gives")
    func parityWithJSONFormat() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/otlp-examples")
        var cases: [(String, OTLPSignal, [UInt8])] = [("rich", .traces, Array(Self.richTraces.utf8))]
        for (file, signal) in [("trace", OTLPSignal.traces), ("metrics", .metrics), ("logs", .logs), ("events", .logs)] {
            cases.append((file, signal, try Array(Data(contentsOf: examples.appendingPathComponent("\(file).json")))))
        }
        var lines = ""
        for (_, signal, json) in cases {
            let bytes = try OTLPPayload(json: json, signal: signal, limits: limits).bytes
            let line: [String: String] = ["signal": signal.rawValue, "json": String(decoding: json, as: UTF8.self), "protobuf": Data(bytes).base64EncodedString()]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self) + "\n"
        }
        let output = try runProcess(try TestPeers.python(), [TestPeers.script("json_parity.py")], bytes: Array(lines.utf8))
        try #require(output.status == 0, "json_parity.py failed: \(output.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [Any] ?? []
        #expect(results.count == cases.count)
        for (result, (name, _, _)) in zip(results, cases) where !(result is NSNull) {
            Issue.record("\(name): \(result)")
        }
    }

    @Test("Malformed JSON is refused with the path of the problem", arguments: [
        ("{", "invalid JSON"),
        ("[]", "must be a JSON object"),
        (#"{"resourceSpans":{}}"#, "$.resourceSpans: expected an array"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}"#, "$.resourceSpans[0].scopeSpans[0].spans[0].traceId: expected hex digits"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SOMETIMES"}]}]}]}"#, "kind: expected an enum"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}"#, "expected an unsigned integer"),
    ])
    func malformed(json: String, expected: String) {
        do throws(OTLPDecodeError) {
            _ = try OTLPPayload(json: Array(json.utf8), signal: .traces, limits: limits)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}

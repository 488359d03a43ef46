import Foundation
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// Builds and posts OTLP requests for gateway tests.
enum OTLPRequests {
    /// An encoded trace request with `count` traces of `spansPerTrace` spans (a root and its children).
    static func traces(count: Int, spansPerTrace: Int, using generator: inout some RandomNumberGenerator) throws -> [UInt8] {
        var spans: [SpanData] = []
        for _ in 0..<count {
            let traceID = TraceID.random(using: &generator)
            let root = SpanContext(traceID: traceID, spanID: .random(using: &generator))
            spans.append(SpanData(name: "root", context: root, parent: nil, kind: .server, startTimeNanos: 1, endTimeNanos: 2))
            for _ in 1..<spansPerTrace {
                spans.append(SpanData(
                    name: "child", context: SpanContext(traceID: traceID, spanID: .random(using: &generator)), parent: root,
                    kind: .internal, startTimeNanos: 1, endTimeNanos: 2))
            }
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: "load")).encode(spans)
    }

    /// An encoded trace request with one span per entry: its trace, name, whether it is a root, and its
    /// trace state.
    static func spans(_ entries: [(trace: TraceID, name: String, root: Bool, traceState: String)]) -> [UInt8] {
        let parent = SpanID(0x0102_0304_0506_0708)
        let spans = entries.map { entry in
            SpanData(
                name: entry.name, context: SpanContext(traceID: entry.trace, spanID: .random(), traceFlags: 1, traceState: entry.traceState),
                parent: entry.root ? nil : SpanContext(traceID: entry.trace, spanID: parent), kind: .internal, startTimeNanos: 1,
                endTimeNanos: 2)
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: "test")).encode(spans)
    }

    /// Posts `body` with the given headers.
    static func post(
        _ body: [UInt8], to url: String, contentType: String = "application/x-protobuf", headers: [(String, String)] = []
    ) throws -> HTTPResponse {
        var allHeaders = [(name: "Content-Type", value: contentType)]
        allHeaders.append(contentsOf: headers.map { (name: $0.0, value: $0.1) })
        return try HTTPClient().send(HTTPRequest(url: url, headers: allHeaders, body: body, timeout: .seconds(30)))
    }
}

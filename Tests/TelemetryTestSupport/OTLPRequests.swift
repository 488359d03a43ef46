import Foundation
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// Builds and posts OTLP requests for gateway tests.
public enum OTLPRequests {
    /// An encoded trace request with `count` traces of `spansPerTrace` spans (a root and its children).
    public static func traces(count: Int, spansPerTrace: Int, using generator: inout some RandomNumberGenerator) throws -> [UInt8] {
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
    public static func spans(_ entries: [(trace: TraceID, name: String, root: Bool, traceState: String)]) -> [UInt8] {
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
    package static func post(
        _ body: [UInt8], to url: String, contentType: String = "application/x-protobuf", headers: [(String, String)] = []
    ) throws -> HTTPResponse {
        var allHeaders = [(name: "Content-Type", value: contentType)]
        allHeaders.append(contentsOf: headers.map { (name: $0.0, value: $0.1) })
        return try HTTPClient().send(HTTPRequest(url: url, headers: allHeaders, body: body, timeout: .seconds(30)))
    }

    /// A trace request whose one span has an attribute value nested `depth` times (a nesting bomb).
    public static func nested(depth: Int) -> [UInt8] {
        var value = Wire.string(1, "leaf")
        for _ in 0..<depth { value = Wire.field(5, Wire.field(1, value)) }
        let attribute = Wire.string(1, "k") + Wire.field(2, value)
        let span = Wire.field(1, Array(1...16)) + Wire.field(2, Array(1...8)) + Wire.string(5, "s") + Wire.field(9, attribute)
        return Wire.field(1, Wire.field(2, Wire.field(2, span)))
    }
}

/// Hand-built protobuf wire bytes.
public enum Wire {
    /// A varint.
    public static func varint(_ value: UInt64) -> [UInt8] {
        ProtobufWire.varint(value)
    }

    /// A length-delimited field.
    public static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes }

    /// A string field.
    public static func string(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }
}

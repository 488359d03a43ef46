import Foundation
import TelemetryHTTP
import TelemetryTestSupport

/// The attack inputs of issue 28, hand-built on the wire (field numbers of opentelemetry-proto).
enum HostileShapes {
    /// A fixed64 field.
    static func fixed64(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        Wire.varint(number << 3 | 1) + withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// A span of its own trace: 16-byte trace id from `index`, 8-byte span id, name, times, attributes.
    static func span(index: Int, attributes: [UInt8] = []) -> [UInt8] {
        let trace = withUnsafeBytes(of: UInt64(index + 1).bigEndian) { [0xAB] + Array(repeating: 0, count: 7) + Array($0) }
        return Wire.field(1, trace) + Wire.field(2, [1, 2, 3, 4, 5, 6, 7, 8]) + Wire.string(5, "s")
            + fixed64(7, 1_000) + fixed64(8, 2_000) + attributes
    }

    /// A string attribute (`KeyValue{key, value{string_value}}`) as field `number` of its parent.
    static func attribute(_ number: UInt64, key: String, value: String) -> [UInt8] {
        Wire.field(number, Wire.string(1, key) + Wire.field(2, Wire.string(1, value)))
    }

    /// A trace request of one resource (with `resourceAttributes`) and one scope holding `spans`.
    static func traces(resourceAttributes: [UInt8] = [], spans: [[UInt8]]) -> [UInt8] {
        Wire.field(1, Wire.field(1, resourceAttributes) + Wire.field(2, spans.flatMap { Wire.field(2, $0) }))
    }

    /// Item 2: `ResourceMetrics { resource { attributes: [{}] } × repeats }`, a singular sub-message that
    /// protobuf-c merges occurrence by occurrence (4 bytes each).
    static func repeatedResource(_ repeats: Int) -> [UInt8] {
        var resources: [UInt8] = []
        resources.reserveCapacity(repeats * 4)
        for _ in 0..<repeats { resources += [0x0A, 0x02, 0x0A, 0x00] }
        return Wire.field(1, resources)
    }

    /// Item 4: OTLP/JSON of about `bytes` bytes, all `{"schemaUrl":"xxxxxxxxxx"}` resource entries.
    static func schemaURLJSON(bytes: Int) -> [UInt8] {
        let entry = Array(#"{"schemaUrl":"xxxxxxxxxx"},"#.utf8)
        var json = Array(#"{"resourceSpans":["#.utf8)
        json.reserveCapacity(bytes + entry.count)
        while json.count < bytes { json += entry }
        json[json.count - 1] = UInt8(ascii: "]")
        return json + Array("}".utf8)
    }

    /// Item 5: one histogram point with `count` non-packed `bucket_counts` (9 bytes each).
    static func nonPackedBuckets(_ count: Int) -> [UInt8] {
        var point = fixed64(3, 1_000)
        point.reserveCapacity(count * 9 + 16)
        let element = fixed64(6, 0)
        for _ in 0..<count { point += element }
        let metric = Wire.string(1, "h") + Wire.field(9, Wire.field(1, point) + [0x10, 0x02])
        return Wire.field(1, Wire.field(2, Wire.field(2, metric)))
    }

    /// Item 7: gauge `name` with `series` points, each with a `valueBytes`-long attribute value of its own.
    static func wideGauge(name: String, series: Int, valueBytes: Int) -> [UInt8] {
        let padding = String(repeating: "v", count: valueBytes)
        var points: [UInt8] = []
        for index in 0..<series {
            let point = attribute(7, key: "k", value: "\(name)-\(index)-" + padding) + fixed64(3, 1_000) + fixed64(4, 0x3FF0_0000_0000_0000)
            points += Wire.field(1, point)
        }
        let metric = Wire.string(1, name) + Wire.field(5, points)
        return Wire.field(1, Wire.field(2, Wire.field(2, metric)))
    }

    /// A trace request of at least `bytes` bytes (valid spans; encoded requests concatenated merge into one).
    static func tracesOfSize(_ bytes: Int) -> [UInt8] {
        let chunk = traces(spans: (0..<250).map { span(index: $0, attributes: attribute(9, key: "k", value: String(repeating: "p", count: 900))) })
        var body: [UInt8] = []
        while body.count < bytes { body += chunk }
        return body
    }
}

/// Posting attack bodies and recording what came back.
enum HostileHTTP {
    /// Posts `body` (gzip-compressed when `gzip`) with `extraHeaders` and returns the status and the
    /// answer's first 300 bytes, or status 0 when no answer came within `timeout` seconds.
    static func post(
        _ body: [UInt8], to url: String, contentType: String = "application/x-protobuf", gzip: Bool = true, timeout: Int = 30,
        extraHeaders: [(name: String, value: String)] = []
    ) -> (status: Int, text: String, seconds: TimeInterval) {
        var headers = [(name: "Content-Type", value: contentType)] + extraHeaders
        if gzip { headers.append((name: "Content-Encoding", value: "gzip")) }
        let started = Date()
        let response = try? HTTPClient().send(HTTPRequest(
            url: url, headers: headers, body: gzip ? Gzip.compress(body) : body, timeout: .seconds(timeout)))
        return (response?.status ?? 0, String(decoding: (response?.body ?? []).prefix(300), as: UTF8.self), Date().timeIntervalSince(started))
    }
}

/// Values collected from attacker threads.
final class Collected<Value: Sendable>: @unchecked Sendable {
    // @unchecked: all access is under `lock`.
    private let lock = NSLock()
    private var stored: [Value] = []

    func add(_ value: Value) { lock.withLock { stored.append(value) } }
    var values: [Value] { lock.withLock { stored } }
}

import TelemetryOTLPData

/// Hand-built protobuf wire bytes for tests: fields in any order, any nesting, on purpose malformed.
enum Wire {
    static func varint(_ value: UInt64) -> [UInt8] {
        ProtobufWire.varint(value)
    }

    /// A length-delimited field.
    static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    /// A varint field.
    static func varintField(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }

    static func string(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    /// A span with valid ids, a name and the given attributes (field 9).
    static func span(attributes: [[UInt8]] = [], traceID: [UInt8] = Array(1...16), spanID: [UInt8] = Array(1...8)) -> [UInt8] {
        field(1, traceID) + field(2, spanID) + string(5, "span") + attributes.flatMap { field(9, $0) }
    }

    /// An `ExportTraceServiceRequest` with one resource, one scope and these spans.
    static func traceRequest(_ spans: [[UInt8]]) -> [UInt8] {
        field(1, field(2, spans.flatMap { field(2, $0) }))
    }

    /// A `KeyValue` whose `AnyValue` nests `depth` arrays around a string.
    static func nestedAttribute(depth: Int) -> [UInt8] {
        var value = string(1, "leaf")
        for _ in 0..<depth { value = field(5, field(1, value)) }
        return string(1, "nested") + field(2, value)
    }
}

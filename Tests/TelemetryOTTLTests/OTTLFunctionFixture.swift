import Telemetry
import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// One span in a real editable request, whose attributes the function tests edit, and hand-built
/// arguments (the compiler that builds them from statements is tested on its own).
final class OTTLFunctionFixture {
    let request: EditableRequest
    let item: OTTLItem

    /// A span whose attributes are `pairs`, in order.
    init(_ pairs: [OTLPKeyValue] = []) throws {
        let span = SpanData(
            name: "span", context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3)), parent: nil, kind: .server,
            startTimeNanos: 1, endTimeNanos: 2, attributes: [:])
        let bytes = OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode([span])
        request = try EditableRequest(try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits()))
        let resourceSpans = request.resourceSpans[0]
        let scopeSpans = resourceSpans.scopeSpans[0]
        item = OTTLItem(resource: resourceSpans.resource, scope: scopeSpans.scope, span: scopeSpans.spans[0])
        try attributes.replaceAll(with: pairs)
    }

    /// The span's attributes.
    var attributes: AttributesRef { item.span.map(\.attributes) ?? request.resourceSpans[0].scopeSpans[0].spans[0].attributes }

    /// Compiles `function` with `arguments` (by position) against the standard table.
    static func compile(_ function: OTTLFunction, _ arguments: [OTTLArgumentValue?]) throws(OTTLCompileError) -> OTTLCallable {
        try function.compile(arguments, OTTLCall(name: function.name, arguments: [], position: position), .standard)
    }

    /// Compiles and runs `function` on this span.
    func run(_ function: OTTLFunction, _ arguments: [OTTLArgumentValue?]) throws -> OTTLValue {
        try Self.compile(function, arguments)(item)
    }

    static let position = OTTLPosition(line: 1, column: 1, offset: 0)
}

/// Arguments made by hand.
enum Arg {
    /// A literal (known when compiling).
    static func literal(_ value: OTTLValue) -> OTTLArgumentValue {
        OTTLArgumentValue(getter: { _ throws(OTTLError) in value }, target: nil, literal: value, functionName: nil, position: OTTLFunctionFixture.position)
    }

    static func string(_ text: String) -> OTTLArgumentValue { literal(.string(text)) }
    static func int(_ number: Int64) -> OTTLArgumentValue { literal(.int(number)) }
    static func bool(_ flag: Bool) -> OTTLArgumentValue { literal(.bool(flag)) }
    static func strings(_ texts: [String]) -> OTTLArgumentValue { literal(.list(texts.map(OTLPValue.string))) }

    /// A value known only when evaluating (as a path or a converter's result is).
    static func dynamic(_ value: OTTLValue) -> OTTLArgumentValue {
        OTTLArgumentValue(getter: { _ throws(OTTLError) in value }, target: nil, literal: nil, functionName: nil, position: OTTLFunctionFixture.position)
    }

    /// A getter that fails.
    static func failing(_ message: String) -> OTTLArgumentValue {
        OTTLArgumentValue(getter: { _ throws(OTTLError) in throw OTTLError(message) }, target: nil, literal: nil, functionName: nil, position: OTTLFunctionFixture.position)
    }

    /// A bare function name (`SHA256` in `replace_pattern`).
    static func function(_ name: String) -> OTTLArgumentValue {
        OTTLArgumentValue(getter: { _ throws(OTTLError) in .null }, target: nil, literal: nil, functionName: name, position: OTTLFunctionFixture.position)
    }

    /// The path `attributes` of the span.
    static var attributes: OTTLArgumentValue {
        path(
            OTTLTarget(
                get: { item throws(OTTLError) in .map(item.span?.attributes.pairs ?? []) },
                set: { item, value throws(OTTLError) in
                    guard case .map(let pairs) = value, let attributes = item.span?.attributes else { return }
                    try editing { () throws(EditMemoryRefused) in try attributes.replaceAll(with: pairs) }
                },
                map: { item, _ throws(OTTLError) in item.span?.attributes }))
    }

    /// The path `attributes[key]` of the span.
    static func attribute(_ key: String) -> OTTLArgumentValue {
        path(
            OTTLTarget(
                get: { item throws(OTTLError) in OTTLValue(item.span?.attributes[key] ?? .empty) },
                set: { item, value throws(OTTLError) in
                    guard let attributes = item.span?.attributes else { return }
                    try editing { () throws(EditMemoryRefused) in try attributes.set(key, value.otlpValue) }
                },
                map: { item, create throws(OTTLError) in
                    try editing { () throws(EditMemoryRefused) in try item.span?.attributes.nestedMap(key, create: create) }
                }))
    }

    private static func path(_ target: OTTLTarget) -> OTTLArgumentValue {
        OTTLArgumentValue(getter: target.get, target: target, literal: nil, functionName: nil, position: OTTLFunctionFixture.position)
    }
}

/// Test data shorthands.
func kv(_ key: String, _ value: OTLPValue) -> OTLPKeyValue { OTLPKeyValue(key: key, value: value) }

/// `M0` of the Collector's function tests: `{"test":"hello world","test2":3,"test3":true}`.
let m0 = [kv("test", .string("hello world")), kv("test2", .int(3)), kv("test3", .bool(true))]

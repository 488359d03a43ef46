/// `TraceID` and `SpanID` (`pkg/ottl/ottlfuncs/func_trace_id.go`, `func_span_id.go`, `newIDExprFunc`): an
/// id from its bytes or from twice as many hex digits. Ids are `OTTLValue.bytes` of 16 or 8 bytes, as the
/// `trace_id` and `span_id` paths read. A literal argument is decoded once; its error still comes when
/// the call is evaluated, as in the Collector.
extension OTTLFunction {
    /// `TraceID(bytes)`: 16 bytes, or 32 hex digits.
    static let traceID = idConverter("TraceID", length: 16)

    /// `SpanID(bytes)`: 8 bytes, or 16 hex digits.
    static let spanID = idConverter("SpanID", length: 8)

    private static func idConverter(_ name: String, length: Int) -> OTTLFunction {
        OTTLFunction(name: name, kind: .converter, parameters: ["bytes"], required: 1) { arguments, call, _ throws(OTTLCompileError) in
            let argument = try OTTLCallArguments(arguments, call).required(0)
            if let literal = argument.literal {
                let decoded = Result { () throws(OTTLError) in try IDBytes.decode(literal, function: name, length: length) }
                return { _ throws(OTTLError) in try decoded.get() }
            }
            let getter = argument.getter
            return { item throws(OTTLError) in try IDBytes.decode(try getter(item), function: name, length: length) }
        }
    }
}

/// Decoding an id (`bytesToID`).
enum IDBytes {
    static func decode(_ value: OTTLValue, function: String, length: Int) throws(OTTLError) -> OTTLValue {
        let bytes = try value.byteSliceLike() ?? []
        switch bytes.count {
        case length:
            return .bytes(bytes)
        case 2 * length:
            guard let decoded = Hex.decode(bytes) else {
                let invalid = bytes.first { Hex.decode([$0, $0]) == nil } ?? 0
                let code = String(invalid, radix: 16, uppercase: true)
                throw OTTLError(
                    "\(function): could not decode ID: invalid hex: encoding/hex: invalid byte: U+\(String(repeating: "0", count: 4 - code.count) + code) '\(Character(Unicode.Scalar(invalid)))'"
                )
            }
            return .bytes(decoded)
        default:
            throw OTTLError("\(function): could not decode ID: invalid length: expected \(length) or \(2 * length) bytes, got \(bytes.count)")
        }
    }
}

/// `Int`, `Double`, `String`, `Len`, `IsString`, `IsInt`, `IsMatch` (`pkg/ottl/ottlfuncs/func_int.go`,
/// `func_double.go`, `func_string.go`, `func_len.go`, `func_is_string.go`, `func_is_int.go`, `func_is_match.go`).
extension OTTLFunction {
    /// `Int(value)`: `IntLikeGetter` — a float truncated, a bool 1/0, a string parsed (nil when it does not
    /// parse), nil for nil.
    static let int = converter("Int") { value throws(OTTLError) in try value.intLike().map(OTTLValue.int) ?? .null }

    /// `Double(value)`: `FloatLikeGetter` — an int widened, a bool 1/0, a string parsed (an error when it does
    /// not parse), nil for nil.
    static let double = converter("Double") { value throws(OTTLError) in try value.floatLike().map(OTTLValue.double) ?? .null }

    /// `String(value)`: `StringLikeGetter` — bytes as hex, maps, lists and numbers as JSON, nil for nil.
    static let string = converter("String") { value throws(OTTLError) in try value.stringLike().map(OTTLValue.string) ?? .null }

    /// `Len(target)`: the bytes of a string or of bytes (a Go slice), the pairs of a map, the items of a
    /// list; anything else (nil included) is an error.
    static let len = converter("Len", parameter: "target") { value throws(OTTLError) in
        switch value {
        case .string(let text): return .int(Int64(text.utf8.count))
        case .bytes(let bytes): return .int(Int64(bytes.count))
        case .map(let pairs): return .int(Int64(pairs.count))
        case .list(let values): return .int(Int64(values.count))
        default:
            throw OTTLError(
                "target arg must be of type string, []any, map[string]any, pcommon.Map, pcommon.Slice, pcommon.Value (of type String, Map, Slice) or a supported slice type from the plog, pmetric or ptrace packages"
            )
        }
    }

    /// `IsString(value)`: whether the value is a string (nil is not).
    static let isString = converter("IsString", parameter: "target") { value throws(OTTLError) in
        if case .string = value { return .bool(true) }
        return .bool(false)
    }

    /// `IsInt(value)`: whether the value is an int64 (a numeric string is not).
    static let isInt = converter("IsInt", parameter: "target") { value throws(OTTLError) in
        if case .int = value { return .bool(true) }
        return .bool(false)
    }

    /// `IsMatch(target, pattern)`: whether the regex matches anywhere in the stringified target
    /// (`StringLikeGetter`); nil is false.
    static let isMatch = OTTLFunction(name: "IsMatch", kind: .converter, parameters: ["target", "pattern"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.getter(0)
        let pattern = try RegexArgument(arguments, 1, function: "IsMatch")
        return { item throws(OTTLError) in
            let regex = try pattern.regex(item)
            guard let text = try target(item).stringLike() else { return .bool(false) }
            return .bool(regex.matches(text))
        }
    }

    /// A one-argument converter computing its result from the argument's value.
    static func converter(_ name: String, parameter: String = "value", _ body: @escaping @Sendable (OTTLValue) throws(OTTLError) -> OTTLValue)
        -> OTTLFunction
    {
        OTTLFunction(name: name, kind: .converter, parameters: [parameter], required: 1) { arguments, call, _ throws(OTTLCompileError) in
            let value = try OTTLCallArguments(arguments, call).getter(0)
            return { item throws(OTTLError) in try body(try value(item)) }
        }
    }
}

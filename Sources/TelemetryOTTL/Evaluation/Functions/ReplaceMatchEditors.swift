import TelemetryOTLPData

/// `replace_match` and `replace_all_matches` (`pkg/ottl/ottlfuncs/func_replace_match.go`,
/// `func_replace_all_matches.go`): a string the glob matches as a whole becomes the replacement (or
/// `format(function(replacement))`), which is evaluated first, so a nil replacement is an error even when
/// nothing matches (with a function, the function's own: `replacement value is not a string`).
extension OTTLFunction {
    /// `replace_match(target, pattern, replacement, function?, replacementFormat?)`: the path's string,
    /// when the glob matches it; a path holding no string changes nothing.
    static let replaceMatch = OTTLFunction(
        name: "replace_match", kind: .editor, parameters: ["target", "pattern", "replacement", "function", "replacement_format"], required: 3
    ) { arguments, call, functions throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let pattern = try GlobArgument(arguments, 1, function: "replace_match")
        let replacement = try GlobReplacement(arguments, functions: functions)
        return { item throws(OTTLError) in
            let glob = try pattern.glob(item)
            let newText = try replacement.text(item)
            guard case .string(let text) = try target.get(item), glob.matches(text) else { return .null }
            try target.set(item, .string(newText))
            return .null
        }
    }

    /// `replace_all_matches(target, pattern, replacement, function?, replacementFormat?)`: every string
    /// value of the map the glob matches; other values are left alone.
    static let replaceAllMatches = OTTLFunction(
        name: "replace_all_matches", kind: .editor, parameters: ["target", "pattern", "replacement", "function", "replacement_format"],
        required: 3
    ) { arguments, call, functions throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let pattern = try GlobArgument(arguments, 1, function: "replace_all_matches")
        let replacement = try GlobReplacement(arguments, functions: functions)
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let glob = try pattern.glob(item)
            let newText = try replacement.text(item)
            for index in 0..<map.count {
                guard case .string(let text) = map.value(at: index), glob.matches(text) else { continue }
                try editing { () throws(EditMemoryRefused) in try map.setValue(at: index, .string(newText)) }
            }
            return .null
        }
    }
}

/// The replacement of the glob editors (arguments 2, 3 and 4): a string, passed through the optional
/// function and format once per call.
private struct GlobReplacement: Sendable {
    let replacement: OTTLGetter
    let function: ReplacementFunction?

    init(_ arguments: OTTLCallArguments, functions: OTTLFunctionTable) throws(OTTLCompileError) {
        replacement = try arguments.getter(2)
        function = try ReplacementFunction.compile(arguments, function: 3, format: 4, functions: functions)
    }

    func text(_ item: OTTLItem) throws(OTTLError) -> String {
        let value = try replacement(item)
        if let function { return try function.apply(value, item) }
        return try value.stringArgument()
    }
}

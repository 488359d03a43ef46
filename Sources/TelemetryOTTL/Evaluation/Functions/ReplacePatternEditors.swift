import TelemetryOTLPData

/// `replace_pattern` and `replace_all_patterns` (`pkg/ottl/ottlfuncs/func_replace_pattern.go`,
/// `func_replace_all_patterns.go`): every match of a regex is replaced by a Go `Expand` template, or by
/// `format(function(template))` per match.
extension OTTLFunction {
    /// `replace_pattern(target, regex, replacement, function?, replacementFormat?)`: rewrites the string at
    /// the path; a path holding no string, or no match, changes nothing.
    static let replacePattern = OTTLFunction(
        name: "replace_pattern", kind: .editor, parameters: ["target", "regex", "replacement", "function", "replacement_format"], required: 3
    ) { arguments, call, functions throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let pattern = try RegexArgument(arguments, 1, function: "replace_pattern", captures: true)
        let replacement = try TemplateArgument(arguments, 2)
        let function = try ReplacementFunction.compile(arguments, function: 3, format: 4, functions: functions)
        return { item throws(OTTLError) in
            guard case .string(let text) = try target.get(item) else { return .null }
            let regex = try pattern.regex(item)
            let template = try replacement.template(item)
            if let replaced = try PatternReplacement.replaceAll(regex, template, in: text, function: function, item) {
                try target.set(item, .string(replaced))
            }
            return .null
        }
    }

    /// `replace_all_patterns(target, mode, regex, replacement, function?, replacementFormat?)`: in mode
    /// `value` rewrites every string value of the map (other values are left alone; a failing function
    /// leaves that value as it was); in mode `key` rewrites the keys, a key that becomes equal to an
    /// earlier one overwriting that one's value in its place.
    static let replaceAllPatterns = OTTLFunction(
        name: "replace_all_patterns", kind: .editor,
        parameters: ["target", "mode", "regex", "replacement", "function", "replacement_format"], required: 4
    ) { arguments, call, functions throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let mode = try arguments.literalString(1) ?? ""
        guard mode == "key" || mode == "value" else { throw arguments.refused("invalid mode \(mode), must be either 'key' or 'value'", at: 1) }
        let pattern = try RegexArgument(arguments, 2, function: "replace_all_patterns", captures: true)
        let replacement = try TemplateArgument(arguments, 3)
        let function = try ReplacementFunction.compile(arguments, function: 4, format: 5, functions: functions)
        let keys = mode == "key"
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let regex = try pattern.regex(item)
            let template = try replacement.template(item)
            let replace = { (text: String) throws(OTTLError) -> String? in
                try PatternReplacement.replaceAll(regex, template, in: text, function: function, item)
            }
            if keys { try PatternReplacement.replaceKeys(map, replace) } else { try PatternReplacement.replaceValues(map, replace) }
            return .null
        }
    }
}

/// The replacement argument: a template parsed once when literal.
struct TemplateArgument: Sendable {
    private let parsed: RegexTemplate?
    private let getter: OTTLGetter

    init(_ arguments: OTTLCallArguments, _ index: Int) throws(OTTLCompileError) {
        let argument = try arguments.required(index)
        getter = argument.getter
        if case .string(let text) = argument.literal { parsed = RegexTemplate(text) } else { parsed = nil }
    }

    func template(_ item: OTTLItem) throws(OTTLError) -> RegexTemplate {
        if let parsed { return parsed }
        return RegexTemplate(try getter(item).stringArgument())
    }
}

/// Replacing every match in a text, a map's values or its keys.
enum PatternReplacement {
    /// `text` with every match replaced (Go's `ReplaceAllString`, or the function per match); nil when
    /// nothing matched.
    static func replaceAll(_ regex: LinearRegex, _ template: RegexTemplate, in text: String, function: ReplacementFunction?, _ item: OTTLItem)
        throws(OTTLError) -> String?
    {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var copied = 0
        var matched = false
        do {
            try bytes.withUnsafeBytes { buffer in
                try regex.forEachMatch(in: buffer, neededGroups: template.highestGroup) { match in
                    matched = true
                    // The output is charged before it grows: what it holds, the gap, this match's expansion
                    // (a function's result, a hash or a case mapping, at most 4 × that + 64), doubled for the
                    // array's growth — as a high-water mark of the request's session.
                    let expansion = template.expansionBound(matchLength: match.range.count)
                    let next = output.count &+ (match.range.lowerBound - copied) &+ (function == nil ? expansion : 4 &* expansion &+ 64)
                    try charge(2 &* next &+ 4096, item)
                    output.append(contentsOf: buffer[copied..<match.range.lowerBound])
                    if let function {
                        var expanded: [UInt8] = []
                        template.expand(match, of: regex, in: buffer, into: &expanded)
                        output.append(contentsOf: try function.apply(String(decoding: expanded, as: UTF8.self), item).utf8)
                    } else {
                        template.expand(match, of: regex, in: buffer, into: &output)
                    }
                    copied = match.range.upperBound
                }
            }
        } catch let error as OTTLError {
            throw error
        } catch {
            throw OTTLError("out of memory matching the regex")
        }
        guard matched else { return nil }
        try charge(2 &* (output.count &+ bytes.count &- copied) &+ 4096, item)
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }

    private static func charge(_ bytes: Int, _ item: OTTLItem) throws(OTTLError) {
        do throws(EditMemoryRefused) {
            try item.session.reserveTransient(bytes: bytes)
        } catch {
            throw .memory(error)
        }
    }

    /// Rewrites the map's string values in place; a value whose function fails stays as it was.
    static func replaceValues(_ map: AttributesRef, _ replace: (String) throws(OTTLError) -> String?) throws(OTTLError) {
        for index in 0..<map.count {
            guard case .string(let text) = map.value(at: index) else { continue }
            let replaced: String?
            do {
                replaced = try replace(text)
            } catch {
                continue
            }
            if let replaced { try editing { () throws(EditMemoryRefused) in try map.setValue(at: index, .string(replaced)) } }
        }
    }

    /// Rewrites the map's keys, in order; when a rewritten key equals an earlier one, the later value
    /// takes the earlier one's place (last writer wins). A key whose function fails stays as it was (the
    /// Collector drops the pair; see the memo's open point 7). The map is replaced only when a key changed.
    static func replaceKeys(_ map: AttributesRef, _ replace: (String) throws(OTTLError) -> String?) throws(OTTLError) {
        var pairs: [OTLPKeyValue] = []
        var positions: [String: Int] = [:]
        var changed = false
        for index in 0..<map.count {
            var key = map.key(at: index)
            if let replaced = try? replace(key) {
                changed = true
                key = replaced
            }
            let value = map.value(at: index)
            if let position = positions[key] {
                pairs[position].value = value
            } else {
                positions[key] = pairs.count
                pairs.append(OTLPKeyValue(key: key, value: value))
            }
        }
        guard changed else { return }
        try editing { () throws(EditMemoryRefused) in try map.replaceAll(with: pairs) }
    }
}

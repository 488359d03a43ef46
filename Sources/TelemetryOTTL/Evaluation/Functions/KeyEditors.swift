import TelemetryOTLPData

/// `delete_key`, `delete_matching_keys`, `keep_keys`, `keep_matching_keys`
/// (`pkg/ottl/ottlfuncs/func_{delete_key,delete_matching_keys,keep_keys,keep_matching_keys}.go`).
extension OTTLFunction {
    /// `delete_key(target, key)`: removes `key` from the map (pdata's `Remove`: the last pair takes its
    /// place); an absent key is no change; a target that is not a map is an error.
    static let deleteKey = OTTLFunction(name: "delete_key", kind: .editor, parameters: ["target", "key"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let key = try arguments.getter(1)
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let name = try key(item).stringArgument()
            try editing { () throws(EditMemoryRefused) in _ = try map.remove(name) }
            return .null
        }
    }

    /// `delete_matching_keys(target, pattern)`: removes every key the regex matches (anywhere in the key),
    /// keeping the order of the rest.
    static let deleteMatchingKeys = OTTLFunction(name: "delete_matching_keys", kind: .editor, parameters: ["target", "pattern"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let pattern = try RegexArgument(arguments, 1, function: "delete_matching_keys")
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let regex = try pattern.regex(item)
            try removingAll(from: map) { key throws(OTTLError) in regex.matches(key) }
            return .null
        }
    }

    /// `keep_keys(target, keys)`: removes every key not in the literal list, keeping the order of the rest.
    static let keepKeys = OTTLFunction(name: "keep_keys", kind: .editor, parameters: ["target", "keys"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let keys = Set(try arguments.literalStrings(1) ?? [])
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            try removingAll(from: map) { key throws(OTTLError) in !keys.contains(key) }
            return .null
        }
    }

    /// `keep_matching_keys(target, pattern)`: keeps only the keys the regex matches (anywhere in the key).
    static let keepMatchingKeys = OTTLFunction(name: "keep_matching_keys", kind: .editor, parameters: ["target", "pattern"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let pattern = try RegexArgument(arguments, 1, function: "keep_matching_keys")
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let regex = try pattern.regex(item)
            try removingAll(from: map) { key throws(OTTLError) in !regex.matches(key) }
            return .null
        }
    }
}

/// `set` (`pkg/ottl/ottlfuncs/func_set.go`).
extension OTTLFunction {
    /// `set(target, value)`: writes `value` through the path's setter; a nil value changes nothing (the
    /// Collector before the `ottl.set.allowNil` gate, v0.146).
    static let set = OTTLFunction(name: "set", kind: .editor, parameters: ["target", "value"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let value = try arguments.getter(1)
        return { item throws(OTTLError) in
            let newValue = try value(item)
            if case .null = newValue { return .null }
            try target.set(item, newValue)
            return .null
        }
    }
}

/// The optional `function` and `replacementFormat` arguments of the `replace_*` editors
/// (`func_replace_pattern.go`: `applyOptReplaceFunction`, `applyReplaceFormat`): the replacement text is
/// passed to a one-argument converter named bare (`SHA256`), whose string result is put into the format
/// (`"k8s.%s"`) when one is given. Without a function the format is not used, as in the Collector.
struct ReplacementFunction: Sendable {
    /// The value the converter's one argument reads while it runs.
    private enum Input {
        @TaskLocal static var value = OTTLValue.null
    }

    private let converter: OTTLCallable
    private let format: OTTLGetter?

    /// The function at `functionIndex` and the format at `formatIndex` of the call; nil without a function.
    static func compile(_ arguments: OTTLCallArguments, function functionIndex: Int, format formatIndex: Int, functions: OTTLFunctionTable)
        throws(OTTLCompileError) -> ReplacementFunction?
    {
        guard let argument = arguments[functionIndex] else { return nil }
        guard let name = argument.functionName else { throw arguments.invalid(functionIndex, "invalid function name given") }
        guard let function = functions[name] else { throw arguments.invalid(functionIndex, "undefined function \(name)") }
        guard function.kind == .converter, function.parameters.count == 1 else {
            throw arguments.invalid(functionIndex, "the function \(name) must be a converter taking one argument")
        }
        let input = OTTLArgumentValue(
            getter: { _ throws(OTTLError) in Input.value }, target: nil, literal: nil, functionName: nil, position: argument.position)
        let call = OTTLCall(name: name, arguments: [], position: argument.position)
        let converter = try function.compile([input], call, functions)
        return ReplacementFunction(converter: converter, format: arguments[formatIndex]?.getter)
    }

    /// `format(function(text))` for `item`.
    func apply(_ text: String, _ item: OTTLItem) throws(OTTLError) -> String {
        try apply(.string(text), item)
    }

    /// `format(function(value))` for `item`: the glob editors hand the replacement over as it is, so a nil
    /// one reaches the function (`IsString(nil)` is false, which is then not a string).
    func apply(_ value: OTTLValue, _ item: OTTLItem) throws(OTTLError) -> String {
        let result: OTTLValue
        do {
            result = try Input.$value.withValue(value) { try converter(item) }
        } catch let error as OTTLError {
            throw error
        } catch {
            throw OTTLError("\(error)")
        }
        guard case .string(let replaced) = result else { throw OTTLError("replacement value is not a string") }
        guard let format else { return replaced }
        return try Self.formatted(try format(item).stringArgument(), replaced)
    }

    /// Go's `fmt.Sprintf(format, value)` for a format the Collector accepts: one `%s` and no other verb
    /// (its `validFormatString`: `^(.*?%s.*?)$` matches, so no newline, and `%[^s]` does not).
    static func formatted(_ format: String, _ value: String) throws(OTTLError) -> String {
        let bytes = Array(format.utf8)
        var valid = !bytes.contains(UInt8(ascii: "\n"))
        var hasVerb = false
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") && index + 1 < bytes.count {
            if bytes[index + 1] == UInt8(ascii: "s") { hasVerb = true } else { valid = false }
        }
        guard valid, hasVerb else {
            throw OTTLError("replacementFormat must be format string containing a single %s and no other format specifiers")
        }
        var output: [UInt8] = []
        var used = false
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 1 < bytes.count {
                output.append(contentsOf: used ? Array("%!s(MISSING)".utf8) : Array(value.utf8))
                used = true
                index += 2
            } else if bytes[index] == UInt8(ascii: "%") {
                output.append(contentsOf: "%!(NOVERB)".utf8)
                index += 1
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

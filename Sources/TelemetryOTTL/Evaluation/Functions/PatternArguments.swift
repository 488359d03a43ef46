/// A regex argument (`StringGetter` of a pattern): a literal is compiled once when the call is compiled
/// (invalid → the Collector's compile error), anything else when evaluated (invalid → `error parsing
/// regexp: …`).
struct RegexArgument: Sendable {
    private let compiled: LinearRegex?
    private let getter: OTTLGetter
    private let captures: Bool

    /// The regex at `index` of a call of `function`; `captures` when match groups are needed.
    init(_ arguments: OTTLCallArguments, _ index: Int, function: String, captures: Bool = false) throws(OTTLCompileError) {
        let argument = try arguments.required(index)
        getter = argument.getter
        self.captures = captures
        guard case .string(let pattern) = argument.literal else {
            compiled = nil
            return
        }
        do {
            compiled = try LinearRegex(pattern: pattern, captures: captures)
        } catch {
            throw OTTLCompileError(invalidPatternMessage(function, pattern, "error parsing regexp: \(error.description)"), at: argument.position)
        }
    }

    /// The regex for `item`.
    func regex(_ item: OTTLItem) throws(OTTLError) -> LinearRegex {
        if let compiled { return compiled }
        let pattern = try getter(item).stringArgument()
        do {
            return try LinearRegex(pattern: pattern, captures: captures)
        } catch {
            throw OTTLError("error parsing regexp: \(error.description)")
        }
    }
}

/// A glob argument (`replace_match`, `replace_all_matches`): compiled once when literal, else per evaluation.
struct GlobArgument: Sendable {
    private let compiled: Glob?
    private let getter: OTTLGetter
    private let function: String

    /// The glob at `index` of a call of `function`.
    init(_ arguments: OTTLCallArguments, _ index: Int, function: String) throws(OTTLCompileError) {
        let argument = try arguments.required(index)
        getter = argument.getter
        self.function = function
        guard case .string(let pattern) = argument.literal else {
            compiled = nil
            return
        }
        do {
            compiled = try Glob(pattern)
        } catch {
            throw OTTLCompileError(invalidPatternMessage(function, pattern, error.description), at: argument.position)
        }
    }

    /// The glob for `item`.
    func glob(_ item: OTTLItem) throws(OTTLError) -> Glob {
        if let compiled { return compiled }
        let pattern = try getter(item).stringArgument()
        do {
            return try Glob(pattern)
        } catch {
            throw OTTLError(invalidPatternMessage(function, pattern, error.description))
        }
    }
}

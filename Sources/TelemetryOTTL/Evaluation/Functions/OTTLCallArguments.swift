import TelemetryOTLPData

/// The arguments of one call being compiled (by position, nil for an optional one left out), with the
/// Collector's compile errors: `error while parsing arguments for call to "f": invalid argument at
/// position i: …` for an argument of the wrong kind, `couldn't create function: …` for a value the
/// function refuses.
struct OTTLCallArguments {
    let values: [OTTLArgumentValue?]
    let call: OTTLCall

    init(_ values: [OTTLArgumentValue?], _ call: OTTLCall) {
        self.values = values
        self.call = call
    }

    /// The argument at `index`, nil when left out.
    subscript(index: Int) -> OTTLArgumentValue? { index < values.count ? values[index] : nil }

    /// A required argument.
    func required(_ index: Int) throws(OTTLCompileError) -> OTTLArgumentValue {
        guard let argument = self[index] else { throw invalid(index, "missing argument") }
        return argument
    }

    /// A required argument's getter.
    func getter(_ index: Int) throws(OTTLCompileError) -> OTTLGetter { try required(index).getter }

    /// A `GetSetter`/`Setter` argument: it must be a path.
    func target(_ index: Int) throws(OTTLCompileError) -> OTTLTarget {
        guard let target = try required(index).target else { throw invalid(index, "must be a path") }
        return target
    }

    /// A literal string parameter (`mode`, `strategy`, `prefix`); nil when an optional one is left out.
    func literalString(_ index: Int) throws(OTTLCompileError) -> String? {
        guard let argument = self[index] else { return nil }
        guard case .string(let text) = argument.literal else { throw invalid(index, "must be a string") }
        return text
    }

    /// A literal int64 parameter (`limit`, `depth`); nil when an optional one is left out.
    func literalInt(_ index: Int) throws(OTTLCompileError) -> Int64? {
        guard let argument = self[index] else { return nil }
        guard case .int(let number) = argument.literal else { throw invalid(index, "must be an int") }
        return number
    }

    /// A literal bool parameter; nil when an optional one is left out.
    func literalBool(_ index: Int) throws(OTTLCompileError) -> Bool? {
        guard let argument = self[index] else { return nil }
        guard case .bool(let flag) = argument.literal else { throw invalid(index, "must be a bool") }
        return flag
    }

    /// A literal list of strings (`keep_keys`' keys, `limit`'s priority keys); nil when left out.
    func literalStrings(_ index: Int) throws(OTTLCompileError) -> [String]? {
        guard let argument = self[index] else { return nil }
        guard case .list(let values) = argument.literal else { throw invalid(index, "must be a list of strings") }
        var strings: [String] = []
        for value in values {
            guard case .string(let text) = value else { throw invalid(index, "must be a list of strings") }
            strings.append(text)
        }
        return strings
    }

    /// The argument at `index` is of the wrong kind.
    func invalid(_ index: Int, _ message: String) -> OTTLCompileError {
        OTTLCompileError(
            "error while parsing arguments for call to \(goQuoted(call.name)): invalid argument at position \(index): \(message)",
            at: self[index]?.position ?? call.position)
    }

    /// The function refuses a value (a negative limit, an unknown mode).
    func refused(_ message: String, at index: Int? = nil) -> OTTLCompileError {
        OTTLCompileError("couldn't create function: \(message)", at: index.flatMap { self[$0]?.position } ?? call.position)
    }
}

extension OTTLTarget {
    /// The map at the path for an editor (a `PMapGetter` target): `expected pcommon.Map but got T` when the
    /// path holds something else or nothing.
    func editableMap(_ item: OTTLItem) throws(OTTLError) -> AttributesRef {
        if let map = try map(item, false) { return map }
        throw OTTLError("expected pcommon.Map but got \(try get(item).goTypeName)")
    }
}

/// Runs a write, a memory refusal becoming `OTTLError.memory`.
func editing<Result>(_ write: () throws(EditMemoryRefused) -> Result) throws(OTTLError) -> Result {
    do {
        return try write()
    } catch {
        throw OTTLError.memory(error)
    }
}

/// Runs `AttributesRef.removeAll(where:)`, whose errors are untyped, keeping `OTTLError`s and memory refusals.
func removingAll(from map: AttributesRef, where shouldRemove: (String) throws(OTTLError) -> Bool) throws(OTTLError) {
    do {
        try map.removeAll { key, _ in try shouldRemove(key) }
    } catch let error as OTTLError {
        throw error
    } catch let refusal as EditMemoryRefused {
        throw OTTLError.memory(refusal)
    } catch {
        throw OTTLError("\(error)")
    }
}

/// The message of a regex the Collector refuses at compile time (`invalidRegexErrMsg`).
func invalidPatternMessage(_ function: String, _ pattern: String, _ reason: String) -> String {
    "the regex pattern supplied to \(function) '\(goQuoted(pattern))' is not a valid pattern: \(reason)"
}

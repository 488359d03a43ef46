/// The label values a recording call gives: a dictionary, or a dictionary literal taken as
/// `KeyValuePairs`, which Swift builds without allocating (its storage is a static constant).
protocol LabelValues {
    /// How many labels were given.
    var count: Int { get }
    /// The names given, in the caller's order (for error messages).
    var givenNames: [String] { get }
    /// The value given for `name`, or `nil`.
    func value(named name: String) -> String?
    /// Calls `body` with the value given for each name of `declared`, by position.
    func withValues<Result>(declaredAs declared: [String], _ body: (DeclaredValues) -> Result) -> Result
}

/// The values a recording call gave, by declared position; valid only inside `LabelValues.withValues`.
struct DeclaredValues {
    fileprivate enum Source {
        case slots(UnsafeMutableBufferPointer<String?>)
        case pairs(KeyValuePairs<String, String>, declared: [String])
    }

    fileprivate let source: Source

    /// The value given for the declared name at `position`, or `nil`.
    subscript(position: Int) -> String? {
        switch source {
        case .slots(let slots): slots[position]
        case .pairs(let pairs, let declared):
            // Callers usually give labels in declared order: try that position before scanning.
            if position < pairs.count, pairs[position].key == declared[position] { pairs[position].value }
            else { pairs.value(named: declared[position]) }
        }
    }
}

extension Dictionary: LabelValues where Key == String, Value == String {
    var givenNames: [String] { Array(keys) }

    func value(named name: String) -> String? { self[name] }

    /// One pass over the dictionary places each value at its declared position, in a buffer on the
    /// stack, so that the values are hashed once instead of looked up by name twice.
    func withValues<Result>(declaredAs declared: [String], _ body: (DeclaredValues) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: String?.self, capacity: declared.count) { values in
            values.initialize(repeating: nil)
            defer { values.deinitialize() }
            for (name, value) in self {
                if let position = declared.firstIndex(of: name) { values[position] = value }
            }
            return body(DeclaredValues(source: .slots(values)))
        }
    }
}

extension KeyValuePairs: LabelValues where Key == String, Value == String {
    var givenNames: [String] { map(\.key) }

    func value(named name: String) -> String? {
        first { $0.key == name }?.value
    }

    /// A literal list is short and its names are usually the declared strings themselves, so a scan
    /// per name is cheaper than any table.
    func withValues<Result>(declaredAs declared: [String], _ body: (DeclaredValues) -> Result) -> Result {
        body(DeclaredValues(source: .pairs(self, declared: declared)))
    }
}

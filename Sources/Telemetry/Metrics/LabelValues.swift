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

/// The values a recording call gave, by declared position, in a buffer on the stack; valid only inside
/// `LabelValues.withValues`.
struct DeclaredValues: DeclaredValueSource {
    fileprivate let slots: UnsafeMutableBufferPointer<String?>

    func matches(_ record: UnsafePointer<String>) -> Bool {
        for index in slots.indices where record[index] != slots[index] {
            return false
        }
        return true
    }

    /// The value given for the declared name at `position`, or `nil`.
    subscript(position: Int) -> String? {
        slots[position]
    }

    /// Calls `body` with empty slots for `count` values.
    fileprivate static func withSlots<Result>(count: Int, _ body: (DeclaredValues) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: String?.self, capacity: count) { slots in
            slots.initialize(repeating: nil)
            defer { slots.deinitialize() }
            return body(DeclaredValues(slots: slots))
        }
    }
}

extension Dictionary: LabelValues where Key == String, Value == String {
    var givenNames: [String] { Array(keys) }

    func value(named name: String) -> String? { self[name] }

    /// One pass over the dictionary places each value at its declared position, so that the values
    /// are hashed once instead of looked up by name twice.
    func withValues<Result>(declaredAs declared: [String], _ body: (DeclaredValues) -> Result) -> Result {
        DeclaredValues.withSlots(count: declared.count) { values in
            for (name, value) in self {
                if let position = declared.firstIndex(of: name) { values.slots[position] = value }
            }
            return body(values)
        }
    }
}

extension KeyValuePairs: LabelValues where Key == String, Value == String {
    var givenNames: [String] { map(\.key) }

    func value(named name: String) -> String? {
        first { $0.key == name }?.value
    }

    /// A literal list is short and usually in declared order: each name is tried at its own position
    /// first, then found by a scan.
    func withValues<Result>(declaredAs declared: [String], _ body: (DeclaredValues) -> Result) -> Result {
        DeclaredValues.withSlots(count: declared.count) { values in
            for position in declared.indices {
                if position < count, self[position].key == declared[position] {
                    values.slots[position] = self[position].value
                } else {
                    values.slots[position] = value(named: declared[position])
                }
            }
            return body(values)
        }
    }
}

/// A literal compared with a record position by position: valid once `hasNames(inOrder:)` said its
/// names are the declared ones in declared order (the usual way a call gives them), so that it is
/// hashed and compared straight from the literal, with no buffer of values.
extension KeyValuePairs: DeclaredValueSource where Key == String, Value == String {
    /// Whether the names are exactly `declared`, in the same order.
    func hasNames(inOrder declared: UnsafeBufferPointer<String>) -> Bool {
        guard count == declared.count else { return false }
        for index in declared.indices where self[index].key != declared[index] {
            return false
        }
        return true
    }

    func matches(_ record: UnsafePointer<String>) -> Bool {
        for index in 0..<count where record[index] != self[index].value {
            return false
        }
        return true
    }
}

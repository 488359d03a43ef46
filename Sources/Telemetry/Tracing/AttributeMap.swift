/// The attributes of a span (`TelemetrySpan.attributes`, `SpanData.attributes`): unique keys, kept in the order
/// they were first set.
///
/// Spans carry a handful of attributes, so lookups scan a small array instead of hashing: creating a
/// `Dictionary` and hashing every key cost about a third of the instructions of a sampled span.
/// Equality and hashing ignore the order, as they do for a dictionary; a dictionary literal creates one.
public struct AttributeMap: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One attribute.
    public typealias Element = (key: String, value: AttributeValue)

    fileprivate struct Entry: Sendable, Hashable {
        let key: String
        var value: AttributeValue
    }

    private var entries: [Entry] = []

    /// No attributes.
    public init() {}

    /// The attributes of `dictionary`, in its iteration order.
    public init(_ dictionary: [String: AttributeValue]) {
        entries = dictionary.map { Entry(key: $0.key, value: $0.value) }
    }

    /// The attributes of a literal; a key given twice keeps its last value.
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        entries.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// The number of attributes.
    public var count: Int { entries.count }

    /// Whether there are none.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`; setting `nil` removes it.
    public subscript(key: String) -> AttributeValue? {
        get {
            position(of: key).map { entries[$0].value }
        }
        set {
            switch (position(of: key), newValue) {
            case (let position?, let value?): entries[position].value = value
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            case (let position?, nil): entries.remove(at: position)
            case (nil, nil): break
            }
        }
    }

    /// The attributes as a dictionary.
    public var dictionary: [String: AttributeValue] {
        Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// A text like a dictionary's, in insertion order.
    public var description: String {
        entries.isEmpty ? "[:]" : "[" + entries.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// The attributes in insertion order.
    public func makeIterator() -> Iterator {
        Iterator(entries: entries)
    }

    /// Iterates the attributes in insertion order.
    public struct Iterator: IteratorProtocol {
        private let entries: [Entry]
        private var index = 0

        fileprivate init(entries: [Entry]) {
            self.entries = entries
        }

        /// The next attribute.
        public mutating func next() -> Element? {
            guard index < entries.count else { return nil }
            defer { index += 1 }
            return (entries[index].key, entries[index].value)
        }
    }

    /// Equal when they hold the same keys with the same values, in any order.
    public static func == (left: AttributeMap, right: AttributeMap) -> Bool {
        left.count == right.count && left.entries.allSatisfy { right[$0.key] == $0.value }
    }

    /// Hashes the attributes independently of their order.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for entry in entries { combined &+= entry.hashValue }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }

    /// Sets `value` for `key` unless `key` is new and `limit` attributes are already set; returns
    /// whether it was kept.
    mutating func set(_ key: String, _ value: AttributeValue, limit: Int) -> Bool {
        if let position = position(of: key) {
            entries[position].value = value
            return true
        }
        guard entries.count < limit else { return false }
        if entries.isEmpty { entries.reserveCapacity(Swift.min(limit, 8)) }
        entries.append(Entry(key: key, value: value))
        return true
    }

    private func position(of key: String) -> Int? {
        entries.firstIndex { $0.key == key }
    }
}

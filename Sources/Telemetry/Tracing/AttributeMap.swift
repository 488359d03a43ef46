/// The attributes of a span (`TelemetrySpan.attributes`, `SpanData.attributes`): unique keys, kept in the order
/// they were first set.
///
/// Spans carry a handful of attributes, so lookups scan instead of hashing (creating a `Dictionary` and
/// hashing every key cost about a third of the instructions of a sampled span), and the first four are
/// stored inline: a span with up to four attributes allocates nothing for them. Equality and hashing
/// ignore the order, as they do for a dictionary; a dictionary literal creates one.
public struct AttributeMap: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One attribute.
    public typealias Element = (key: String, value: AttributeValue)

    fileprivate struct Entry: Sendable, Hashable {
        let key: String
        var value: AttributeValue
    }

    private static let inlineCapacity = 4
    // The first four attributes, in order (`nil` past `count`): separate stored properties, so that
    // each is read and written in place (an `InlineArray` was copied whole by `memcpy` on access).
    private var entry0: Entry?
    private var entry1: Entry?
    private var entry2: Entry?
    private var entry3: Entry?
    /// The attributes after the first four, in order.
    private var overflow: [Entry] = []
    /// The number of attributes.
    public private(set) var count = 0

    /// No attributes.
    public init() {}

    /// The attributes of `dictionary`, in its iteration order.
    public init(_ dictionary: [String: AttributeValue]) {
        for (key, value) in dictionary { append(key, value) }
    }

    /// The attributes of a literal; a key given twice keeps its last value.
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    /// Whether there are none.
    public var isEmpty: Bool { count == 0 }

    /// The value for `key`; setting `nil` removes it.
    public subscript(key: String) -> AttributeValue? {
        get {
            position(of: key).map { entry(at: $0).value }
        }
        set {
            switch (position(of: key), newValue) {
            case (let position?, let value?): setValue(value, at: position)
            case (nil, let value?): append(key, value)
            case (let position?, nil): remove(at: position)
            case (nil, nil): break
            }
        }
    }

    /// The attributes as a dictionary.
    public var dictionary: [String: AttributeValue] {
        Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// A text like a dictionary's, in insertion order.
    public var description: String {
        isEmpty ? "[:]" : "[" + map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// The attributes in insertion order.
    public func makeIterator() -> Iterator {
        Iterator(map: self)
    }

    /// Iterates the attributes in insertion order.
    public struct Iterator: IteratorProtocol {
        private let map: AttributeMap
        private var index = 0

        fileprivate init(map: AttributeMap) {
            self.map = map
        }

        /// The next attribute.
        public mutating func next() -> Element? {
            guard index < map.count else { return nil }
            defer { index += 1 }
            let entry = map.entry(at: index)
            return (entry.key, entry.value)
        }
    }

    /// Equal when they hold the same keys with the same values, in any order.
    public static func == (left: AttributeMap, right: AttributeMap) -> Bool {
        left.count == right.count && (0..<left.count).allSatisfy { index in
            let entry = left.entry(at: index)
            return right[entry.key] == entry.value
        }
    }

    /// Hashes the attributes independently of their order.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for index in 0..<count { combined &+= entry(at: index).hashValue }
        hasher.combine(count)
        hasher.combine(combined)
    }

    /// Sets `value` for `key` unless `key` is new and `limit` attributes are already set; returns
    /// whether it was kept.
    mutating func set(_ key: String, _ value: AttributeValue, limit: Int) -> Bool {
        if let position = position(of: key) {
            setValue(value, at: position)
            return true
        }
        guard count < limit else { return false }
        append(key, value)
        return true
    }

    // Inlined: called out of line from `set` on a span's state, it was handed a 176-byte copy of the map.
    @inline(__always)
    private func position(of key: String) -> Int? {
        if count > 0, entry0?.key == key { return 0 }
        if count > 1, entry1?.key == key { return 1 }
        if count > 2, entry2?.key == key { return 2 }
        if count > 3, entry3?.key == key { return 3 }
        guard count > Self.inlineCapacity else { return nil }
        return overflow.firstIndex { $0.key == key }.map { $0 + Self.inlineCapacity }
    }

    private func entry(at position: Int) -> Entry {
        // Positions below `count` in the inline part always hold an entry.
        switch position {
        case 0: entry0.unsafelyUnwrapped
        case 1: entry1.unsafelyUnwrapped
        case 2: entry2.unsafelyUnwrapped
        case 3: entry3.unsafelyUnwrapped
        default: overflow[position - Self.inlineCapacity]
        }
    }

    private mutating func setValue(_ value: AttributeValue, at position: Int) {
        switch position {
        case 0: entry0?.value = value
        case 1: entry1?.value = value
        case 2: entry2?.value = value
        case 3: entry3?.value = value
        default: overflow[position - Self.inlineCapacity].value = value
        }
    }

    /// Takes the key and value, not an `Entry`: an entry built by the caller was copied into its slot
    /// through the value's outlined copy and the standard library's witnesses, 182 instructions an
    /// attribute where building it in place costs 95.
    private mutating func append(_ key: String, _ value: AttributeValue) {
        switch count {
        case 0: entry0 = Entry(key: key, value: value)
        case 1: entry1 = Entry(key: key, value: value)
        case 2: entry2 = Entry(key: key, value: value)
        case 3: entry3 = Entry(key: key, value: value)
        default: overflow.append(Entry(key: key, value: value))
        }
        count += 1
    }

    /// Removes the attribute at `position`; the later ones move up (removal is rare: rebuilt).
    private mutating func remove(at position: Int) {
        var entries = (0..<count).map { entry(at: $0) }
        entries.remove(at: position)
        self = AttributeMap()
        for entry in entries { append(entry.key, entry.value) }
    }
}

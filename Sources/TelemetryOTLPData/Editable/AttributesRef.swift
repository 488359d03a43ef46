internal import COTLP
internal import CProtobufC

/// An editable list of attributes (a resource's, a span's, a nested map value's…), with pdata's `Map`
/// semantics: lookup by key; setting an existing key replaces its value in place, a new key is appended;
/// `remove` moves the last pair into the removed one's place (as `pcommon.Map.Remove`); `removeAll(where:)`
/// keeps the order of the rest (as `RemoveIf`).
public struct AttributesRef {
    let session: EditSession
    /// The list's length field (`n_attributes`, `n_values`…).
    let countField: UnsafeMutablePointer<Int>
    /// The list's array field.
    let listField: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?>
    /// Whether this is scratch space outside the request (OTTL's `cache`): its writes change nothing that
    /// is sent.
    var isScratch = false

    /// The number of pairs.
    public var count: Int { listField.pointee == nil ? 0 : countField.pointee }

    /// The key at `index` (0..<count).
    public func key(at index: Int) -> String {
        pair(at: index)?.pointee.key.map { String(cString: $0) } ?? ""
    }

    /// The value at `index` (0..<count).
    public func value(at index: Int) -> OTLPValue {
        OTLPValue(reading: pair(at: index)?.pointee.value)
    }

    /// Every pair, in order.
    public var pairs: [OTLPKeyValue] {
        (0..<count).map { OTLPKeyValue(key: key(at: $0), value: value(at: $0)) }
    }

    /// Every key, in order.
    public var keys: [String] { (0..<count).map { key(at: $0) } }

    /// The position of `key`, compared byte for byte without copying the stored keys.
    public func index(of key: String) -> Int? {
        var key = key
        return key.withUTF8 { wanted in
            for index in 0..<count {
                guard let stored = pair(at: index)?.pointee.key else { continue }
                if Self.equal(stored, wanted) { return index }
            }
            return nil
        }
    }

    /// The value of `key`, nil when absent.
    public subscript(key: String) -> OTLPValue? {
        index(of: key).map { value(at: $0) }
    }

    /// The string value of `key`, nil when absent or not a string.
    public func string(_ key: String) -> String? {
        guard let index = index(of: key), let value = pair(at: index)?.pointee.value,
            value.pointee.value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
        else { return nil }
        return value.pointee.string_value.map { String(cString: $0) } ?? ""
    }

    /// Sets `key` to `value`: in place when present, appended otherwise.
    public func set(_ key: String, _ value: OTLPValue) throws(EditMemoryRefused) {
        if let index = index(of: key), let pair = pair(at: index) {
            if let stored = pair.pointee.value {
                try session.store(value, into: stored, isChange: !isScratch)
            } else {
                try session.write(field(pair, \.value), try session.newValue(value), isChange: !isScratch)
            }
            return
        }
        try append(session.newKeyValue(key, value))
    }

    /// Removes `key` (the last pair takes its place); false when absent.
    @discardableResult
    public func remove(_ key: String) throws(EditMemoryRefused) -> Bool {
        guard let index = index(of: key), let list = listField.pointee else { return false }
        let last = count - 1
        if index != last { try session.write(list + index, list[last], isChange: !isScratch) }
        try session.write(countField, last, isChange: !isScratch)
        return true
    }

    /// Removes every pair `shouldRemove` picks, keeping the others in order; the number removed.
    @discardableResult
    public func removeAll(where shouldRemove: (_ key: String, _ index: Int) throws -> Bool) throws -> Int {
        guard let list = listField.pointee else { return 0 }
        let original = count
        var kept = 0
        for index in 0..<original {
            if try shouldRemove(key(at: index), index) { continue }
            if kept != index { try session.write(list + kept, list[index], isChange: !isScratch) }
            kept += 1
        }
        if kept != original { try session.write(countField, kept, isChange: !isScratch) }
        return original - kept
    }

    /// Replaces every pair with `pairs` (in that order).
    public func replaceAll(with pairs: [OTLPKeyValue]) throws(EditMemoryRefused) {
        let list = try session.allocate(UnsafeMutablePointer<KeyValueMessage>?.self, count: max(1, pairs.count))
        for (index, pair) in pairs.enumerated() { (list + index).initialize(to: try session.newKeyValue(pair.key, pair.value)) }
        try session.write(listField, pairs.isEmpty ? nil : list, isChange: !isScratch)
        try session.write(countField, pairs.count, isChange: !isScratch)
    }

    /// The map stored under `key`, as an editable map; with `create`, an absent key or an empty value
    /// becomes an empty map first. Nil when the value is something other than a map (or absent and not
    /// created).
    public func nestedMap(_ key: String, create: Bool) throws(EditMemoryRefused) -> AttributesRef? {
        if index(of: key) == nil {
            guard create else { return nil }
            try set(key, .map([]))
        }
        guard let index = index(of: key), let pair = pair(at: index) else { return nil }
        if pair.pointee.value == nil {
            guard create else { return nil }
            try session.write(field(pair, \.value), try session.newValue(.map([])), isChange: !isScratch)
        }
        guard let value = pair.pointee.value else { return nil }
        return try AttributesRef(mapIn: value, session: session, create: create, isScratch: isScratch)
    }

    // MARK: Internals

    func pair(at index: Int) -> UnsafeMutablePointer<KeyValueMessage>? {
        guard index >= 0, index < count, let list = listField.pointee else { return nil }
        return list[index]
    }

    private func append(_ pair: UnsafeMutablePointer<KeyValueMessage>) throws(EditMemoryRefused) {
        let count = self.count
        let list = try session.pointerArray(copying: listField.pointee, count: count, needed: count + 1)
        list[count] = pair
        if listField.pointee != list { try session.write(listField, list, isChange: !isScratch) }
        try session.write(countField, count + 1, isChange: !isScratch)
    }

    private static func equal(_ stored: UnsafePointer<CChar>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < wanted.count {
            // A stored key ends at its NUL: stop there, before reading past it, whatever `wanted` holds.
            guard stored[index] != 0, UInt8(bitPattern: stored[index]) == wanted[index] else { return false }
            index += 1
        }
        return stored[index] == 0
    }
}

extension AttributesRef {
    /// The attributes at the fields `count` and `list` of a message in the tree.
    init(
        _ session: EditSession, count: UnsafeMutablePointer<Int>,
        list: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?>
    ) {
        self.session = session
        countField = count
        listField = list
    }

    /// The map inside an `AnyValue`; an empty value becomes an empty map when `create` is set. Nil when the
    /// value holds something else.
    init?(mapIn value: UnsafeMutablePointer<AnyValueMessage>, session: EditSession, create: Bool, isScratch: Bool = false) throws(EditMemoryRefused) {
        switch value.pointee.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
            break
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE__NOT_SET where create:
            try session.store(.map([]), into: value, isChange: !isScratch)
        default:
            return nil
        }
        if value.pointee.kvlist_value == nil { try session.store(.map([]), into: value, isChange: !isScratch) }
        guard let list = value.pointee.kvlist_value else { return nil }
        self.init(session, count: field(list, \.n_values), list: field(list, \.values))
        self.isScratch = isScratch
    }
}

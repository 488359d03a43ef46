import TelemetryOTLPData
import TelemetryOTTL

/// One action of the Collector's attribute engine (`internal/coreinternal/attraction`), shared by the
/// `attributes` and `resource` processors; patterns are compiled once, when the configuration is read.
enum AttributeAction: Sendable {
    /// Sets `key` from `source` when absent.
    case insert(key: String, source: AttributeValueSource)
    /// Sets `key` from `source` when present (in place).
    case update(key: String, source: AttributeValueSource)
    /// Sets `key` from `source` (in place when present, appended otherwise).
    case upsert(key: String, source: AttributeValueSource)
    /// Removes `key`, then every key `pattern` matches somewhere in.
    case delete(key: String, pattern: LinearRegex?)
    /// Replaces the value of `key`, then of every key `pattern` matches, with its SHA-256 in hex.
    case hash(key: String, pattern: LinearRegex?)
    /// Writes each named group of `pattern`'s first match in the string value of `key` to the key of its
    /// name (`targets`, in group order), as a string.
    case extract(key: String, pattern: LinearRegex, targets: [String])
    /// Converts the value of `key` to `type` when it can.
    case convert(key: String, type: AttributeConversion)

    /// Applies the action to `attributes` of a request that came with `metadata`.
    func apply(to attributes: AttributesRef, metadata: RequestMetadata = .empty) throws(EditMemoryRefused) {
        switch self {
        case .insert(let key, let source):
            guard attributes.index(of: key) == nil, let value = source.value(in: attributes, metadata: metadata) else { return }
            try attributes.set(key, value)
        case .update(let key, let source):
            guard attributes.index(of: key) != nil, let value = source.value(in: attributes, metadata: metadata) else { return }
            try attributes.set(key, value)
        case .upsert(let key, let source):
            guard let value = source.value(in: attributes, metadata: metadata) else { return }
            try attributes.set(key, value)
        case .delete(let key, let pattern):
            // As upstream, an absent `key` is "" and removes an attribute whose key is empty.
            try attributes.remove(key)
            // Each matching key removed as `Remove(k)` would, in O(n log n) rather than a lookup per key.
            let matched = Self.positions(matching: pattern, in: attributes)
            try SwapRemoval.remove(matched, keys: matched.map { attributes.key(at: $0) }, from: attributes)
        case .hash(let key, let pattern):
            if let index = attributes.index(of: key) { try Self.hashValue(at: index, in: attributes) }
            // Positions are collected after `key` was hashed: a `key` the pattern also matches is hashed twice.
            for index in Self.positions(matching: pattern, in: attributes) { try Self.hashValue(at: index, in: attributes) }
        case .extract(let key, let pattern, let targets):
            guard let text = attributes.string(key), let groups = pattern.firstMatchGroups(in: text) else { return }
            for (target, captured) in zip(targets, groups) { try attributes.set(target, .string(captured)) }
        case .convert(let key, let type):
            guard let value = attributes[key], let converted = type.convert(value) else { return }
            try attributes.set(key, converted)
        }
    }

    /// The positions of the keys `pattern` matches, in map order (one pass, no lookups).
    private static func positions(matching pattern: LinearRegex?, in attributes: AttributesRef) -> [Int] {
        guard let pattern else { return [] }
        return (0..<attributes.count).filter { pattern.matches(attributes.key(at: $0)) }
    }

    /// The Collector's `sha2Hasher`: a string's UTF-8, a bool as one byte, an int or a double as 8
    /// little-endian bytes; any other value, and the empty string, become "".
    private static func hashValue(at index: Int, in attributes: AttributesRef) throws(EditMemoryRefused) {
        let value = attributes.value(at: index)
        let input: [UInt8]
        switch value {
        case .string(let text): input = Array(text.utf8)
        case .bool(let flag): input = [flag ? 1 : 0]
        case .int(let number): input = withUnsafeBytes(of: UInt64(bitPattern: number).littleEndian, Array.init)
        case .double(let number): input = withUnsafeBytes(of: number.bitPattern.littleEndian, Array.init)
        case .empty, .bytes, .array, .map: input = []
        }
        try attributes.setValue(at: index, .string(input.isEmpty ? "" : SHA256.hex(input)))
    }
}

/// Where insert, update and upsert take their value: `value`, `from_attribute` (the same attributes) or
/// `from_context`, with `default_value` when that finds nothing.
struct AttributeValueSource: Sendable {
    /// The configured source.
    enum Origin: Sendable {
        case value(OTLPValue)
        case attribute(String)
        case context(String)
        /// Only `default_value` is given.
        case none
    }

    let origin: Origin
    let defaultValue: OTLPValue?

    /// The value to write, nil when there is none (the action then does nothing).
    func value(in attributes: AttributesRef, metadata: RequestMetadata) -> OTLPValue? {
        switch origin {
        case .value(let value): value
        case .attribute(let key): attributes[key] ?? defaultValue
        case .context(let key): Self.context(key, metadata) ?? defaultValue
        case .none: defaultValue
        }
    }

    /// `from_context` as the Collector's attraction.go reads it: `metadata.<name>` (or a bare name) is the
    /// request metadata's values of `<name>` (any case; a receiver keeps them with `include_metadata`),
    /// joined with `;`, absent when there are none. The client's address (`client.address`) and
    /// authentication (`auth.<name>`) are not carried: absent.
    static func context(_ key: String, _ metadata: RequestMetadata) -> OTLPValue? {
        if key == "client.address" || key.hasPrefix("auth.") { return nil }
        let name = key.hasPrefix("metadata.") ? String(key.dropFirst("metadata.".count)) : key
        let values = metadata[name]
        return values.isEmpty ? nil : .string(values.joined(separator: ";"))
    }
}

/// `converted_type`: what `convert` turns a value into (pdata's conversions; a value that cannot be
/// converted is left as it is, as upstream).
enum AttributeConversion: String, Sendable {
    case int, double, string

    /// The converted value, nil when it stays as it is.
    func convert(_ value: OTLPValue) -> OTLPValue? {
        switch (self, value) {
        case (.string, .string): nil
        case (.string, _): .string(value.pdataText)
        case (.int, .double(let number)):
            // Go's int64(d) truncates toward zero; NaN, infinities and values out of range, which Go leaves
            // to the platform, leave the value as it is.
            number >= -0x1p63 && number < 0x1p63 ? .int(Int64(number)) : nil
        case (.int, .bool(let flag)): .int(flag ? 1 : 0)
        case (.int, .string(let text)): GoStrconv.parseInt(text).map { .int($0) }
        case (.double, .int(let number)): .double(Double(number))
        case (.double, .bool(let flag)): .double(flag ? 1 : 0)
        case (.double, .string(let text)): GoStrconv.parseFloat(text).map { .double($0) }
        default: nil
        }
    }
}

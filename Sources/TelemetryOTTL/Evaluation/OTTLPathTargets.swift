import TelemetryOTLPData

/// Builders of the targets paths compile to.
enum PathTargets {
    typealias Item = OTTLItem

    static func wrongType(_ expected: String, _ value: OTTLValue) -> OTTLError {
        OTTLError("expected \(expected) but got \(value.goTypeName)")
    }

    /// A read-only path.
    static func readOnly(_ name: String, _ get: @escaping OTTLGetter) -> OTTLTarget {
        OTTLTarget(get: get, set: { _, _ throws(OTTLError) in throw OTTLError("the '\(name)' path cannot be modified") }, map: { _, _ in nil })
    }

    /// A string field.
    static func text(_ field: @escaping @Sendable (Item) -> TextField?) -> OTTLTarget {
        OTTLTarget(
            get: { item in field(item).map { .string($0.value) } ?? .null },
            set: { item, value throws(OTTLError) in
                guard case .string(let text) = value else { throw wrongType("string", value) }
                do throws(EditMemoryRefused) { try field(item)?.set(text) } catch { throw .memory(error) }
            },
            map: { _, _ in nil })
    }

    /// An integer field (times, counts, enums).
    static func integer<Stored: FixedWidthInteger & Sendable>(_ field: @escaping @Sendable (Item) -> IntegerField<Stored>?) -> OTTLTarget {
        OTTLTarget(
            get: { item in field(item).map { .int($0.value) } ?? .null },
            set: { item, value throws(OTTLError) in
                guard case .int(let number) = value else { throw wrongType("int64", value) }
                field(item)?.set(number)
            },
            map: { _, _ in nil })
    }

    /// A bytes field of an exact length (`trace_id` 16, `span_id` 8), as bytes or (`.string`) lowercase hex.
    static func identifier(_ field: @escaping @Sendable (Item) -> BinaryField?, length: Int, hex: Bool) -> OTTLTarget {
        OTTLTarget(
            get: { item in
                guard let bytes = field(item)?.value else { return .null }
                return hex ? .string(Hex.encode(bytes)) : .bytes(bytes)
            },
            set: { item, value throws(OTTLError) in
                let bytes: [UInt8]
                switch (value, hex) {
                case (.string(let text), true):
                    guard let decoded = Hex.decode(Array(text.utf8)), decoded.count == length else {
                        throw OTTLError("invalid \(length == 16 ? "trace" : "span") id: \(text)")
                    }
                    bytes = decoded
                case (.bytes(let raw), false) where raw.count == length:
                    bytes = raw
                default:
                    throw wrongType(hex ? "string" : "\(length)-byte id", value)
                }
                do throws(EditMemoryRefused) { try field(item)?.set(bytes) } catch { throw .memory(error) }
            },
            map: { _, _ in nil })
    }

    /// An attribute map, whole or indexed by `keys`.
    static func attributes(_ map: @escaping @Sendable (Item) -> AttributesRef?, keys: [CompiledKey]) -> OTTLTarget {
        if keys.isEmpty {
            return OTTLTarget(
                get: { item in map(item).map { .map($0.pairs) } ?? .null },
                set: { item, value throws(OTTLError) in
                    guard case .map(let pairs) = value else { return }  // the Collector ignores a non-map
                    try OTTLValue.checkNesting(value, below: 0)
                    do throws(EditMemoryRefused) { try map(item)?.replaceAll(with: pairs) } catch { throw .memory(error) }
                },
                map: { item, _ in map(item) })
        }
        return OTTLTarget(
            get: { item throws(OTTLError) in
                guard let attributes = map(item) else { return .null }
                return try attributes.value(at: try resolve(keys, item))
            },
            set: { item, value throws(OTTLError) in try map(item)?.setValue(value, at: try resolve(keys, item)) },
            map: { item, create throws(OTTLError) in try map(item)?.map(at: try resolve(keys, item), create: create) })
    }

    static func resolve(_ keys: [CompiledKey], _ item: Item) throws(OTTLError) -> [ResolvedKey] {
        var resolved: [ResolvedKey] = []
        resolved.reserveCapacity(keys.count)
        for key in keys { resolved.append(try key.resolve(item)) }
        return resolved
    }
}


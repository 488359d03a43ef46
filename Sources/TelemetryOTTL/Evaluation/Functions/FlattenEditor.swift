import TelemetryOTLPData

/// `flatten` (`pkg/ottl/ottlfuncs/func_flatten.go`).
extension OTTLFunction {
    /// `flatten(target, prefix?, depth?, resolveConflicts?)`: nested maps move to the top with `.`-joined
    /// keys and list items become `key.<i>`, down to `depth` levels (deeper maps stay values; depth 0
    /// flattens nothing); `prefix` goes before every key. A key met again overwrites the earlier value in
    /// its place, or with `resolveConflicts` is stored as `key.0`, `key.1`, … . The Collector's `depth < 1`
    /// refusal is relaxed to `depth < 0` (its e2e test runs `depth=0` as a no-op).
    static let flatten = OTTLFunction(
        name: "flatten", kind: .editor, parameters: ["target", "prefix", "depth", "resolve_conflicts"], required: 1
    ) { arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let prefix = try arguments.literalString(1) ?? ""
        let depth = try arguments.literalInt(2) ?? .max
        guard depth >= 0 else { throw arguments.refused("invalid depth '\(depth)' for flatten function, cannot be negative", at: 2) }
        let resolveConflicts = try arguments.literalBool(3) ?? false
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let original = map.pairs
            var flattening = Flattening(maxDepth: depth, resolveConflicts: resolveConflicts, reserve: map.reserveWorkspace)
            try editing { () throws(EditMemoryRefused) in try flattening.flattenMap(original, prefix: prefix, depth: 0) }
            guard flattening.result != original else { return .null }
            try editing { () throws(EditMemoryRefused) in try map.replaceAll(with: flattening.result) }
            return .null
        }
    }
}

/// One flattening: the pairs made so far (pdata `PutEmpty`: a key met again is overwritten in place).
/// Recursion follows the value's nesting, held to `DecodeLimits.maxDepth` by decoding (or 64 by ParseJSON).
/// Keys past the first `uncharged` bytes are charged (`reserve`, in steps of `reserveStep`) before they
/// are kept: each repeats its parents' keys, so a long key above many leaves makes keys quadratic in
/// the input. (The first bytes, freed when the call ends, cost small maps no call to the budget.)
private struct Flattening {
    let maxDepth: Int64
    let resolveConflicts: Bool
    let reserve: (Int) throws(EditMemoryRefused) -> Void
    var result: [OTLPKeyValue] = []
    var positions: [String: Int] = [:]
    var conflicts: [String: Int] = [:]
    private var reserved = 0
    private var used = 0

    /// Bytes of keys a call may hold without charging them.
    static let uncharged = 64 << 10
    /// Bytes charged at a time.
    static let reserveStep = 64 << 10
    /// What a kept key costs beyond its text: its pair in `result` and its entry in `positions`.
    static let keyOverhead = 2 * MemoryLayout<OTLPKeyValue>.stride

    init(maxDepth: Int64, resolveConflicts: Bool, reserve: @escaping (Int) throws(EditMemoryRefused) -> Void) {
        self.maxDepth = maxDepth
        self.resolveConflicts = resolveConflicts
        self.reserve = reserve
    }

    mutating func flattenMap(_ pairs: [OTLPKeyValue], prefix: String, depth: Int64) throws(EditMemoryRefused) {
        let prefix = prefix.isEmpty ? "" : prefix + "."
        for pair in pairs { try flattenValue(pair.key, pair.value, depth: depth, prefix: prefix) }
    }

    mutating func flattenValue(_ key: String, _ value: OTLPValue, depth: Int64, prefix: String) throws(EditMemoryRefused) {
        switch value {
        case .map(let pairs) where depth < maxDepth:
            try flattenMap(pairs, prefix: prefix + key, depth: depth + 1)
        case .array(let values) where depth < maxDepth:
            for (index, element) in values.enumerated() {
                let itemKey = "\(prefix)\(key).\(index)"
                switch element {
                case .map(let pairs) where depth + 1 < maxDepth:
                    try flattenMap(pairs, prefix: itemKey, depth: depth + 2)
                case .array(let inner) where depth + 1 < maxDepth:
                    // The Collector joins these keys without a dot ("a.0" + "1" → "a.01"); here they get one.
                    for (innerIndex, innerElement) in inner.enumerated() {
                        try flattenValue(String(innerIndex), innerElement, depth: depth + 3, prefix: itemKey + ".")
                    }
                default:
                    if resolveConflicts { try putResolving(prefix + key, element) } else { try put(itemKey, element) }
                }
            }
        default:
            if resolveConflicts { try putResolving(prefix + key, value) } else { try put(prefix + key, value) }
        }
    }

    mutating func put(_ key: String, _ value: OTLPValue) throws(EditMemoryRefused) {
        if let position = positions[key] {
            result[position].value = value
        } else {
            used += key.utf8.count + Self.keyOverhead
            if used > Self.uncharged + reserved {
                let step = max(Self.reserveStep, used - Self.uncharged - reserved)
                try reserve(step)
                reserved += step
            }
            positions[key] = result.count
            result.append(OTLPKeyValue(key: key, value: value))
        }
    }

    /// A key already present is stored as `key.<n>`, n counting up from 0 per key.
    mutating func putResolving(_ key: String, _ value: OTLPValue) throws(EditMemoryRefused) {
        if positions[key] != nil {
            let count = conflicts[key] ?? 0
            conflicts[key] = count + 1
            try put("\(key).\(count)", value)
        } else {
            conflicts[key] = 0
            try put(key, value)
        }
    }
}

import TelemetryOTLPData

/// `truncate_all`, `limit` and `merge_maps` (`pkg/ottl/ottlfuncs/func_truncate_all.go`, `func_limit.go`,
/// `func_merge_maps.go`).
extension OTTLFunction {
    /// `truncate_all(target, limit, utf8_safe?, truncation_marker?)`: every string value longer than
    /// `limit` bytes is cut to `limit` bytes, the marker (default "") included at the end. Cuts fall on a
    /// UTF-8 character boundary whatever `utf8_safe` says (default true), since an OTLP string must be
    /// valid UTF-8 — the result may be shorter than the limit.
    static let truncateAll = OTTLFunction(
        name: "truncate_all", kind: .editor, parameters: ["target", "limit", "utf8_safe", "truncation_marker"], required: 2
    ) { arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let limit = try arguments.literalInt(1) ?? 0
        guard limit >= 0 else { throw arguments.refused("invalid limit for truncate_all function, \(limit) cannot be negative", at: 1) }
        _ = try arguments.literalBool(2)
        let markerBytes = Array((try arguments.literalString(3) ?? "").utf8)
        guard markerBytes.count <= limit else {
            throw arguments.refused("invalid truncation_marker for truncate_all function, it is longer than the limit \(limit)", at: 3)
        }
        let keep = Int(clamping: limit) - markerBytes.count
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            for index in 0..<map.count {
                guard case .string(let text) = map.value(at: index), text.utf8.count > limit else { continue }
                var cut = keep
                let bytes = Array(text.utf8)
                while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
                let truncated = String(decoding: bytes[..<cut] + markerBytes, as: UTF8.self)
                try editing { () throws(EditMemoryRefused) in try map.setValue(at: index, .string(truncated)) }
            }
            return .null
        }
    }

    /// `limit(target, limit, priority_keys)`: when the map has more than `limit` pairs, keeps the priority
    /// keys and, in order, the first other keys while fewer than `limit` are kept; the order of the rest is
    /// kept. (The Collector's README calls the choice random; its code keeps the first in order.)
    static let limit = OTTLFunction(name: "limit", kind: .editor, parameters: ["target", "limit", "priority_keys"], required: 3) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let limit = try arguments.literalInt(1) ?? 0
        let priorityKeys = try arguments.literalStrings(2) ?? []
        guard limit >= 0 else { throw arguments.refused("invalid limit for limit function, \(limit) cannot be negative", at: 1) }
        guard limit >= priorityKeys.count else {
            throw arguments.refused(
                "invalid limit for limit function, \(limit) cannot be less than number of priority attributes \(priorityKeys.count)", at: 1)
        }
        let priority = Set(priorityKeys)
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            guard map.count > limit else { return .null }
            var kept = Int64(priorityKeys.filter { map.index(of: $0) != nil }.count)
            try removingAll(from: map) { key throws(OTTLError) in
                if priority.contains(key) { return false }
                guard kept < limit else { return true }
                kept += 1
                return false
            }
            return .null
        }
    }

    /// `merge_maps(target, source, strategy)`: `insert` adds the source's keys the target lacks, `update`
    /// overwrites only keys it has, `upsert` does both; values are copied.
    static let mergeMaps = OTTLFunction(name: "merge_maps", kind: .editor, parameters: ["target", "source", "strategy"], required: 3) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.target(0)
        let source = try arguments.getter(1)
        let strategy = try arguments.literalString(2) ?? ""
        guard ["insert", "update", "upsert"].contains(strategy) else {
            throw arguments.refused("invalid value for strategy, \(strategy), must be 'insert', 'update' or 'upsert'", at: 2)
        }
        let insert = strategy != "update"
        let update = strategy != "insert"
        return { item throws(OTTLError) in
            let map = try target.editableMap(item)
            let pairs = try source(item).mapArgument()
            try MapMerge.merge(pairs, into: map, insert: insert, update: update)
            return .null
        }
    }
}

/// Merging pairs into a map in time linear in both.
enum MapMerge {
    /// Up to this many source pairs are set one by one (each a lookup in the map); more rebuild the map once.
    static let pairwiseLimit = 8

    static func merge(_ source: [OTLPKeyValue], into map: AttributesRef, insert: Bool, update: Bool) throws(OTTLError) {
        guard !source.isEmpty else { return }
        if source.count <= pairwiseLimit {
            for pair in source {
                let present = map.index(of: pair.key) != nil
                guard present ? update : insert else { continue }
                try editing { () throws(EditMemoryRefused) in try map.set(pair.key, pair.value) }
            }
            return
        }
        var pairs = map.pairs
        var positions: [String: Int] = [:]
        for (index, pair) in pairs.enumerated() where positions[pair.key] == nil { positions[pair.key] = index }
        var changed = false
        for pair in source {
            if let position = positions[pair.key] {
                guard update else { continue }
                pairs[position].value = pair.value
            } else {
                guard insert else { continue }
                positions[pair.key] = pairs.count
                pairs.append(pair)
            }
            changed = true
        }
        if changed { try editing { () throws(EditMemoryRefused) in try map.replaceAll(with: pairs) } }
    }
}

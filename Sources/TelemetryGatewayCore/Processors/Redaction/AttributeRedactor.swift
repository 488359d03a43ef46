import TelemetryOTLPData
import TelemetryOTTL

/// The Collector's `processAttrs`, on one attribute map (a resource's, a scope's, a span's, a span
/// event's, a log record's, a data point's), in one pass over its pairs:
/// 1. a key in `ignored_keys` (or matching `ignored_key_patterns`) is left alone;
/// 2. without `allow_all_keys`, a key not in `allowed_keys` is removed (fail closed);
/// 3. a value matching `allowed_values` is left alone;
/// 4. a key matching `blocked_key_patterns` has its whole value masked;
/// 5. else each `blocked_values` pattern, in order, masks its matches inside the value.
/// Then the removed pairs go as `pcommon.Map.Remove` takes them out (the last pair moves into the gap),
/// and `summary` adds its attributes.
struct AttributeRedactor: Sendable {
    let settings: RedactionSettings

    /// What became of one value.
    private enum Outcome {
        case unchanged, allowed, masked
    }

    /// Working memory per pair (its position in the lists below and in the removal's heaps).
    static let workspacePerPair = 48

    /// Redacts `attributes`.
    func redact(_ attributes: AttributesRef, workspace: RedactionWorkspace) throws(EditMemoryRefused) {
        let count = attributes.count
        guard count > 0 else { return }
        let session = workspace.session
        let positions = count * Self.workspacePerPair
        try workspace.ensure(positions)
        var removed: [Int] = []
        var masked: [Int] = []
        var allowed: [Int] = []
        var ignored = 0
        var listedKeyBytes = 0
        for index in 0..<count {
            let key = attributes.key(at: index)
            if isIgnored(key) {
                ignored += 1
                continue
            }
            if isRemoved(key) {
                removed.append(index)
            } else {
                switch try redactValue(at: index, key: key, in: attributes, session: session) {
                case .unchanged: continue
                case .allowed: allowed.append(index)
                case .masked: masked.append(index)
                }
            }
            listedKeyBytes += key.utf8.count
        }
        guard !removed.isEmpty || !masked.isEmpty || !allowed.isEmpty || ignored > 0 else { return }
        // The keys are read again for the removal and the summary, after charging them.
        try workspace.ensure(positions + 2 * listedKeyBytes + 64 * (removed.count + masked.count + allowed.count))
        let debug = settings.summary == .debug
        let removedKeys = removed.map { attributes.key(at: $0) }
        let maskedKeys = debug ? masked.map { attributes.key(at: $0) } : []
        let allowedKeys = debug ? allowed.map { attributes.key(at: $0) } : []
        try SwapRemoval.remove(removed, keys: removedKeys, from: attributes)
        guard settings.summary != .silent else { return }
        let summary = RedactionSummaryKeys.self
        try addSummary(removedKeys, count: removed.count, keysKey: summary.redactedKeys, countKey: summary.redactedCount, to: attributes)
        try addSummary(maskedKeys, count: masked.count, keysKey: summary.maskedKeys, countKey: summary.maskedCount, to: attributes)
        try addSummary(allowedKeys, count: allowed.count, keysKey: summary.allowedKeys, countKey: summary.allowedCount, to: attributes)
        try addSummary([], count: ignored, keysKey: nil, countKey: summary.ignoredCount, to: attributes)
    }

    /// Step 1: `ignored_keys` and `ignored_key_patterns`.
    func isIgnored(_ key: String) -> Bool {
        settings.ignoredKeys.contains(key) || settings.ignoredKeyPatterns.contains { $0.matches(key) }
    }

    /// Step 2: a key off the allow list (unless `allow_all_keys`).
    func isRemoved(_ key: String) -> Bool {
        !settings.allowAllKeys && !settings.allowedKeys.contains(key)
    }

    /// Step 4: `blocked_key_patterns`.
    func isBlocked(_ key: String) -> Bool {
        settings.blockedKeyPatterns.contains { $0.matches(key) }
    }

    /// Step 3: `allowed_values`.
    func isAllowed(_ text: UnsafeRawBufferPointer) -> Bool {
        settings.allowedValues.contains { $0.matches(text) }
    }

    /// `text` masked whole (a blocked key's value), line by line as the Collector's `.*` does.
    func maskedWhole(_ text: UnsafeRawBufferPointer, session: EditSession) throws(EditMemoryRefused) -> ArenaText? {
        try ValueMasker(masking: settings.masking).mask(text, matching: settings.wholeValue, session: session)
    }

    /// Step 5: `text` after each `blocked_values` pattern, in order, masked its matches; nil when that
    /// leaves it as it was.
    func maskedBlockedValues(_ text: UnsafeRawBufferPointer, session: EditSession) throws(EditMemoryRefused) -> ArenaText? {
        let masker = ValueMasker(masking: settings.masking)
        var current: ArenaText?
        for pattern in settings.blockedValues {
            if let next = try masker.mask(current?.bytes ?? text, matching: pattern, session: session) { current = next }
        }
        guard let current, !current.bytes.elementsEqual(text) else { return nil }
        return current
    }

    /// Steps 3–5 for the value at `index`: a string as it is; another type by its text with
    /// `redact_all_types`, else as "" (as the Collector reads it with `Str()`).
    private func redactValue(at index: Int, key: String, in attributes: AttributesRef, session: EditSession) throws(EditMemoryRefused)
        -> Outcome
    {
        if let outcome = try attributes.withStringBytes(at: index, { (text) throws(EditMemoryRefused) in
            try redactText(text, at: index, key: key, in: attributes, session: session)
        }) {
            return outcome
        }
        var text = settings.redactAllTypes ? attributes.value(at: index).pdataText : ""
        let outcome = text.withUTF8 { bytes in
            Result { () throws(EditMemoryRefused) in
                try redactText(UnsafeRawBufferPointer(bytes), at: index, key: key, in: attributes, session: session)
            }
        }
        return try outcome.get()
    }

    private func redactText(
        _ text: UnsafeRawBufferPointer, at index: Int, key: String, in attributes: AttributesRef, session: EditSession
    ) throws(EditMemoryRefused) -> Outcome {
        if isAllowed(text) { return .allowed }
        if isBlocked(key) {
            guard let whole = try maskedWhole(text, session: session) else { return .unchanged }
            try attributes.setString(at: index, whole)
            return .masked
        }
        guard let masked = try maskedBlockedValues(text, session: session) else { return .unchanged }
        try attributes.setString(at: index, masked)
        return .masked
    }

    /// The Collector's `addMetaAttrs`: nothing for a zero count; with `debug`, `keysKey` gets the keys,
    /// merged with those it already lists, sorted (by bytes) and comma-joined; with `debug` or `info`,
    /// `countKey` gets the count added to the one it holds.
    func addSummary(
        _ keys: [String], count: Int, keysKey: String?, countKey: String, to attributes: AttributesRef
    ) throws(EditMemoryRefused) {
        guard count > 0 else { return }
        if settings.summary == .debug, let keysKey {
            var names = keys
            if let existing = attributes.string(keysKey), !existing.isEmpty {
                names += existing.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            try attributes.set(keysKey, .string(names.joined(separator: ",")))
        }
        var total = Int64(count)
        if case .int(let existing) = attributes[countKey] { total = total &+ existing }
        try attributes.set(countKey, .int(total))
    }
}

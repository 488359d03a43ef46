import TelemetryOTLPData

/// The Collector's `processLogBody` (its releases since log bodies are redacted): after a record's
/// attributes, its body.
/// - A string or other scalar body (matched by its text, whatever `redact_all_types`): left alone when
///   it matches `allowed_values` (and then nothing is reported), else masked by `blocked_values`.
/// - A map body, at every depth: a key in `ignored_keys` is left alone, a key off the allow list is
///   removed, a key matching `blocked_key_patterns` has its value replaced (a string masked whole, any
///   other value by `****` or the hash of ""), other values are walked into; a scalar leaf is checked
///   against `allowed_values`, then masked by `blocked_values`.
/// - A list body: each element walked, as `[0]`, `[1]`…
/// Keys are reported by path (`a.b`, `a.[0]`, `body` for a scalar body) in `redaction.body.*` attributes
/// on the record's attributes. Recursion follows the body's nesting, which decoding held to
/// `DecodeLimits.maxDepth`.
struct LogBodyRedactor {
    let redactor: AttributeRedactor

    /// What the walk found, by path (paths are kept for `summary: debug` only).
    private struct Findings {
        var removed: [String] = []
        var removedCount = 0
        var masked: [String] = []
        var maskedCount = 0
        var allowed: [String] = []
        var allowedCount = 0
        var ignored = 0
        /// The walk's working memory now: the paths kept, the positions of the maps being walked.
        var workingBytes = 0

        /// Charges `bytes` more of working memory (negative: freed).
        mutating func use(_ bytes: Int, of workspace: RedactionWorkspace) throws(EditMemoryRefused) {
            workingBytes += bytes
            try workspace.ensure(workingBytes)
        }

        /// Keeps `path` in `list` for the debug summary, charged first.
        mutating func keep(_ path: String, in list: WritableKeyPath<Findings, [String]>, of workspace: RedactionWorkspace) throws(EditMemoryRefused) {
            try use(path.utf8.count + 16, of: workspace)
            self[keyPath: list].append(path)
        }
    }

    private var debug: Bool { redactor.settings.summary == .debug }

    /// Redacts the body of `record`.
    func redact(_ record: LogRecordRef, workspace: RedactionWorkspace) throws(EditMemoryRefused) {
        var findings = Findings()
        if let body = record.bodyRef {
            switch body.shape {
            case .map:
                if let map = body.map { try walk(map, path: nil, into: &findings, workspace: workspace) }
            case .array:
                for index in 0..<body.elementCount {
                    if let element = body.element(at: index) { try walk(element, path: "[\(index)]", into: &findings, workspace: workspace) }
                }
            case .string, .other:
                guard try !redactScalar(body, path: "body", into: &findings, workspace: workspace) else { return }
            }
        } else {
            // No body reads as an empty value, whose text is "".
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            guard !redactor.isAllowed(empty) else { return }
            if let masked = try redactor.maskedBlockedValues(empty, session: workspace.session) {
                try record.setBody(.string(String(decoding: masked.bytes, as: UTF8.self)))
                findings.maskedCount += 1
                if debug { findings.masked.append("body") }
            }
        }
        try report(findings, on: record.attributes)
    }

    /// Checks a scalar against `allowed_values` and masks it by `blocked_values`; true when it was
    /// allowed (which, for a scalar body, ends the redaction without a report, as in the Collector).
    private func redactScalar(_ value: ValueRef, path: String, into findings: inout Findings, workspace: RedactionWorkspace) throws(EditMemoryRefused)
        -> Bool
    {
        let outcome: Result<Bool, EditMemoryRefused>
        if let result = value.withStringBytes({ text in check(text, value, path: path, findings: &findings, workspace: workspace) }) {
            outcome = result
        } else {
            var text = value.value.pdataText
            outcome = text.withUTF8 { check(UnsafeRawBufferPointer($0), value, path: path, findings: &findings, workspace: workspace) }
        }
        return try outcome.get()
    }

    private func check(
        _ text: UnsafeRawBufferPointer, _ value: ValueRef, path: String, findings: inout Findings, workspace: RedactionWorkspace
    ) -> Result<Bool, EditMemoryRefused> {
        Result { () throws(EditMemoryRefused) -> Bool in
            if redactor.isAllowed(text) {
                findings.allowedCount += 1
                if debug { try findings.keep(path, in: \.allowed, of: workspace) }
                return true
            }
            if let masked = try redactor.maskedBlockedValues(text, session: workspace.session) {
                try value.setString(masked)
                findings.maskedCount += 1
                if debug { try findings.keep(path, in: \.masked, of: workspace) }
            }
            return false
        }
    }

    private func walk(_ value: ValueRef, path: String, into findings: inout Findings, workspace: RedactionWorkspace) throws(EditMemoryRefused) {
        switch value.shape {
        case .map:
            if let map = value.map { try walk(map, path: path, into: &findings, workspace: workspace) }
        case .array:
            for index in 0..<value.elementCount {
                if let element = value.element(at: index) { try walk(element, path: "\(path).[\(index)]", into: &findings, workspace: workspace) }
            }
        case .string, .other:
            _ = try redactScalar(value, path: path, into: &findings, workspace: workspace)
        }
    }

    /// One map of the body (`path` nil for the body itself).
    private func walk(_ map: AttributesRef, path: String?, into findings: inout Findings, workspace: RedactionWorkspace) throws(EditMemoryRefused) {
        let count = map.count
        guard count > 0 else { return }
        let positions = count * AttributeRedactor.workspacePerPair
        try findings.use(positions, of: workspace)
        var removed: [Int] = []
        var removedKeys: [String] = []
        for index in 0..<count {
            let key = map.key(at: index)
            let keyPath = path.map { "\($0).\(key)" } ?? key
            if redactor.isIgnored(key) {
                findings.ignored += 1
            } else if redactor.isRemoved(key) {
                try findings.use(key.utf8.count + 16, of: workspace)
                removed.append(index)
                removedKeys.append(key)
                findings.removedCount += 1
                if debug { try findings.keep(keyPath, in: \.removed, of: workspace) }
            } else if redactor.isBlocked(key) {
                guard let value = try map.valueRef(at: index) else { continue }
                // The Collector masks `Str()`, which is "" for anything but a string.
                let masked: ArenaText?
                if let string = try value.withStringBytes({ (text) throws(EditMemoryRefused) in try redactor.maskedWhole(text, session: workspace.session) }) {
                    masked = string
                } else {
                    masked = try redactor.maskedWhole(UnsafeRawBufferPointer(start: nil, count: 0), session: workspace.session)
                }
                if let masked { try value.setString(masked) }
                findings.maskedCount += 1
                if debug { try findings.keep(keyPath, in: \.masked, of: workspace) }
            } else if let value = try map.valueRef(at: index) {
                try walk(value, path: keyPath, into: &findings, workspace: workspace)
            }
        }
        try SwapRemoval.remove(removed, keys: removedKeys, from: map)
        try findings.use(-positions - removedKeys.reduce(0) { $0 + $1.utf8.count + 16 }, of: workspace)
    }

    /// The `redaction.body.*` attributes on the record's attributes.
    private func report(_ findings: Findings, on attributes: AttributesRef) throws(EditMemoryRefused) {
        guard redactor.settings.summary != .silent else { return }
        try redactor.addSummary(
            findings.removed, count: findings.removedCount, keysKey: "redaction.body.redacted.keys", countKey: "redaction.body.redacted.count",
            to: attributes)
        try redactor.addSummary(
            findings.masked, count: findings.maskedCount, keysKey: "redaction.body.masked.keys", countKey: "redaction.body.masked.count",
            to: attributes)
        try redactor.addSummary(
            findings.allowed, count: findings.allowedCount, keysKey: "redaction.body.allowed.keys", countKey: "redaction.body.allowed.count",
            to: attributes)
        try redactor.addSummary([], count: findings.ignored, keysKey: nil, countKey: "redaction.body.ignored.count", to: attributes)
    }
}

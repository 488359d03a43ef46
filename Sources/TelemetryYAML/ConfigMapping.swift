/// The entries of a checked mapping.
package struct ConfigMapping {
    /// The mapping itself.
    package let owner: ConfigNode
    /// Its keys and values, in file order.
    package let entries: [(key: String, value: ConfigNode)]

    /// The value of `key`, if present.
    package subscript(_ key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    /// The value of a key that must be present.
    package func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = self[key] else { throw owner.error("missing required key \"\(key)\"") }
        return value
    }
}

/// A key replaced by another (the gateway's, i.e. the Collector's, spelling) that still works until
/// `removal`: each use adds one warning naming where it is, the old key and the new one.
package struct DeprecatedKey: Sendable {
    /// The old key.
    package let old: String
    /// The key that replaces it, as written in the warning (`endpoint`, `api.key`).
    package let replacement: String
    /// The release that no longer accepts `old`.
    package let removal: String

    /// `old`, replaced by `replacement`, accepted until `removal`.
    package init(_ old: String, replacement: String, removal: String) {
        self.old = old
        self.replacement = replacement
        self.removal = removal
    }
}

extension ConfigMapping {
    /// The value of the deprecated key `alias.old` when it is given, adding its warning to `warnings`;
    /// an error when `replacement` (the node of the key that replaces it) is given too.
    package func deprecated(
        _ alias: DeprecatedKey, replacement: ConfigNode?, warnings: inout [ConfigError]
    ) throws(ConfigError) -> ConfigNode? {
        guard let old = self[alias.old] else { return nil }
        if replacement != nil { throw old.error("give \(alias.replacement) or its deprecated alias \(alias.old), not both") }
        warnings.append(old.error("\(alias.old) is deprecated and removed in \(alias.removal): write \(alias.replacement)"))
        return old
    }
}

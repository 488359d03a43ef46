import TelemetryConfig
import TelemetryOTTL
import TelemetryYAML

/// `redaction`'s settings, with the Collector's keys: which attribute keys stay (`allow_all_keys`,
/// `allowed_keys`, `ignored_keys`, `ignored_key_patterns`), which values are masked
/// (`blocked_key_patterns` — also read as `blocked_keys` —, `blocked_values`, `allowed_values`,
/// `redact_all_types`), how (`hash_function`, `hmac_key`) and what the processor reports (`summary`).
/// Every regex is compiled here, once.
struct RedactionSettings: Sendable {
    /// What the processor adds to each attribute map it changed.
    enum Summary: String, Sendable {
        /// Counts and the sorted, comma-joined keys.
        case debug
        /// Counts only.
        case info
        /// Nothing.
        case silent
    }

    /// How a masked match is replaced.
    enum Masking: Sendable {
        /// By `****`.
        case asterisks
        /// By the lowercase hex MD5 of the match.
        case md5
        /// By the lowercase hex SHA-1 of the match.
        case sha1
        /// By the lowercase hex SHA3-256 of the match.
        case sha3
        /// By the lowercase hex HMAC-SHA256 of the match (`hmac_key`).
        case hmacSHA256(HMAC)
        /// By the lowercase hex HMAC-SHA512 of the match (`hmac_key`).
        case hmacSHA512(HMAC)
    }

    /// `allow_all_keys`: keep every key (values are still masked).
    var allowAllKeys = false
    /// `allowed_keys`, plus the summary attributes (so a second redaction keeps them).
    var allowedKeys: Set<String> = RedactionSummaryKeys.all
    /// `ignored_keys`: never removed, never masked.
    var ignoredKeys: Set<String> = []
    /// `ignored_key_patterns`.
    var ignoredKeyPatterns: [LinearRegex] = []
    /// `blocked_key_patterns`: the whole value of a matching key is masked.
    var blockedKeyPatterns: [LinearRegex] = []
    /// `blocked_values`, in configuration order: each match inside a value is masked.
    var blockedValues: [LinearRegex] = []
    /// `allowed_values`: a value matching one is left as it is.
    var allowedValues: [LinearRegex] = []
    /// `redact_all_types`: non-string values are matched by their text too.
    var redactAllTypes = false
    /// `hash_function`.
    var masking = Masking.asterisks
    /// `summary`.
    var summary = Summary.silent
    /// `.*`, which masks a whole value (of a blocked key) match by match, as the Collector does: each
    /// line of a multi-line value is masked on its own.
    var wholeValue: LinearRegex

    static let keys = [
        "allow_all_keys", "allowed_keys", "ignored_keys", "ignored_key_patterns", "blocked_key_patterns", "blocked_keys", "blocked_values",
        "allowed_values", "redact_all_types", "hash_function", "summary", "masking_string", "hmac_key", "url_sanitizer", "db_sanitizer",
    ]

    /// Reads a `redaction` section (empty: the Collector's default, which removes every attribute).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> RedactionSettings {
        var settings: RedactionSettings
        do {
            settings = RedactionSettings(wholeValue: try LinearRegex(pattern: ".*"))
        } catch {
            throw node.error("cannot compile .*: \(error.description)")
        }
        guard !node.isEmpty else { return settings }
        let fields = try node.mapping(allowed: keys)
        for key in ["masking_string", "url_sanitizer", "db_sanitizer"] {
            if let refused = fields[key] { throw refused.error(refusal(key)) }
        }
        settings.allowAllKeys = try fields["allow_all_keys"]?.bool() ?? false
        settings.allowedKeys.formUnion(try strings(fields["allowed_keys"]))
        settings.ignoredKeys = Set(try strings(fields["ignored_keys"]))
        settings.ignoredKeyPatterns = try regexes(fields["ignored_key_patterns"], list: "ignore keys list")
        if let alias = fields["blocked_keys"], fields["blocked_key_patterns"] != nil {
            throw alias.error("give blocked_key_patterns or blocked_keys (the same list), not both")
        }
        settings.blockedKeyPatterns = try regexes(fields["blocked_key_patterns"] ?? fields["blocked_keys"], list: "block keys list")
        settings.blockedValues = try regexes(fields["blocked_values"], list: "block list")
        settings.allowedValues = try regexes(fields["allowed_values"], list: "allow list")
        settings.redactAllTypes = try fields["redact_all_types"]?.bool() ?? false
        if let node = fields["hash_function"] { settings.masking = try masking(node, key: fields["hmac_key"]) }
        if let key = fields["hmac_key"], fields["hash_function"] == nil {
            throw key.error("hmac_key is only used with hash_function hmac-sha256 or hmac-sha512")
        }
        // An empty summary is the Collector's default (silent); any other text must be one of the three.
        if let node = fields["summary"], !node.isEmpty, !(try node.string()).isEmpty {
            settings.summary = Summary(rawValue: try node.choice(["debug", "info", "silent"])) ?? .silent
        }
        return settings
    }

    private static func strings(_ node: ConfigNode?) throws(ConfigError) -> [String] {
        guard let node, !node.isEmpty else { return [] }
        var values: [String] = []
        for item in try node.sequence() { values.append(try item.string()) }
        return values
    }

    /// Compiles a list of patterns; an error names the list as the Collector does.
    private static func regexes(_ node: ConfigNode?, list: String) throws(ConfigError) -> [LinearRegex] {
        guard let node, !node.isEmpty else { return [] }
        var compiled: [LinearRegex] = []
        for item in try node.sequence() {
            let pattern = try item.string()
            do {
                compiled.append(try LinearRegex(pattern: pattern))
            } catch {
                throw item.error("failed to process \(list): error compiling regex in list: \(error.description)")
            }
        }
        return compiled
    }

    /// `hash_function`, case-insensitive as in the Collector; empty means masking with `****`. The HMACs
    /// take `hmac_key`, at least as long as their digest.
    private static func masking(_ node: ConfigNode, key: ConfigNode?) throws(ConfigError) -> Masking {
        let text = node.isEmpty ? "" : try node.string().lowercased()
        if let key, !text.hasPrefix("hmac-") {
            throw key.error("hmac_key is only used with hash_function hmac-sha256 or hmac-sha512")
        }
        switch text {
        case "": return .asterisks
        case "md5": return .md5
        case "sha1": return .sha1
        case "sha3": return .sha3
        case "hmac-sha256": return .hmacSHA256(HMAC(.sha256, key: try hmacKey(key, minimum: 32, function: node)))
        case "hmac-sha512": return .hmacSHA512(HMAC(.sha512, key: try hmacKey(key, minimum: 64, function: node)))
        default: throw node.error("unknown HashFunction \(text), allowed functions are sha1, sha3, md5, hmac-sha256 and hmac-sha512")
        }
    }

    /// The bytes of `hmac_key`, which must be at least `minimum` bytes long.
    private static func hmacKey(_ node: ConfigNode?, minimum: Int, function: ConfigNode) throws(ConfigError) -> [UInt8] {
        guard let node, !node.isEmpty else { throw function.error("hmac_key must not be empty") }
        let key = Array(try node.string().utf8)
        guard !key.isEmpty else { throw node.error("hmac_key must not be empty") }
        guard key.count >= minimum else { throw node.error("hmac_key must be at least \(minimum) bytes long") }
        return key
    }

    private static func refusal(_ key: String) -> String {
        switch key {
        case "masking_string": "masking_string is not supported: masked values are replaced by **** or, with hash_function, by a hash"
        default: "\(key) is not supported: this gateway masks attribute values by blocked_values and blocked_key_patterns only"
        }
    }
}

/// The attributes `summary` writes, which the allow list always keeps.
enum RedactionSummaryKeys {
    static let redactedKeys = "redaction.redacted.keys"
    static let redactedCount = "redaction.redacted.count"
    static let maskedKeys = "redaction.masked.keys"
    static let maskedCount = "redaction.masked.count"
    static let allowedKeys = "redaction.allowed.keys"
    static let allowedCount = "redaction.allowed.count"
    static let ignoredCount = "redaction.ignored.count"

    /// Every one of them, with the log-body ones the Collector also keeps.
    static let all: Set<String> = [
        redactedKeys, redactedCount, maskedKeys, maskedCount, allowedKeys, allowedCount, ignoredCount,
        "redaction.body.redacted.keys", "redaction.body.redacted.count", "redaction.body.masked.keys", "redaction.body.masked.count",
        "redaction.body.allowed.keys", "redaction.body.allowed.count", "redaction.body.ignored.count",
    ]
}

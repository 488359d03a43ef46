#if canImport(Glibc)
import Glibc
#endif
import Yams

/// A YAML node with the path that leads to it, read with strict, located errors.
///
/// Mappings are checked for unknown keys; scalars go through `${VAR}` / `${VAR:-default}` substitution
/// before they are converted. The YAML library's types stay inside this module.
package struct ConfigNode {
    let node: Node
    /// The key path, such as `exporters[1].endpoint`.
    package let path: String
    /// The file (or a label for in-memory YAML).
    package let file: String
    /// The variables `${VAR}` reads.
    package let environment: [String: String]

    init(node: Node, path: String, file: String, environment: [String: String]) {
        self.node = node
        self.path = path
        self.file = file
        self.environment = environment
    }

    /// The 1-based line.
    package var line: Int { node.mark?.line ?? 1 }
    /// The 1-based column.
    package var column: Int { node.mark?.column ?? 1 }
    /// Where the node is, to locate a problem found after parsing.
    package var location: ConfigLocation { ConfigLocation(file: file, path: path, line: line, column: column) }

    /// Whether the node is a mapping.
    package var isMapping: Bool {
        if case .mapping = node { return true }
        return false
    }

    /// Whether the node is an empty value (`key:` with nothing after it, or `null`).
    package var isEmpty: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string.isEmpty || scalar.string == "null"
    }

    /// The text as written, before substitution, for a scalar (`nil` for a list or mapping).
    package var rawText: String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    /// The error `message` at this node.
    package func error(_ message: String) -> ConfigError {
        location.error(message)
    }

    /// The node as a mapping whose keys must all be in `allowed` (any key when `nil`).
    package func mapping(allowed: [String]?) throws(ConfigError) -> ConfigMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of keys to values") }
        var entries: [(key: String, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings") }
            let child = ConfigNode(node: valueNode, path: join(key), file: file, environment: environment)
            if let allowed, !allowed.contains(key) {
                throw ConfigError(
                    file: file, path: child.path, line: keyNode.mark?.line ?? line, column: keyNode.mark?.column ?? column,
                    message: "unknown key; allowed here: \(allowed.joined(separator: ", "))")
            }
            entries.append((key, child))
        }
        return ConfigMapping(owner: self, entries: entries)
    }

    /// The node as a mapping of arbitrary string keys to string values (headers, tags, attributes).
    package func stringMap() throws(ConfigError) -> [String: String] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of names to values") }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings") }
            result[key] = try ConfigNode(node: valueNode, path: join(key), file: file, environment: environment).string()
        }
        return result
    }

    /// The path in the node, which must name a readable file.
    package func readableFile() throws(ConfigError) -> String {
        let path = try string()
        guard access(path, R_OK) == 0 else { throw error("cannot read \"\(path)\"") }
        return path
    }

    /// The node as a sequence.
    package func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { index, item in
            ConfigNode(node: item, path: "\(path)[\(index)]", file: file, environment: environment)
        }
    }

    /// The scalar's text after environment substitution.
    package func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value, not a list or mapping") }
        do {
            return try EnvironmentSubstitution.apply(scalar.string, environment: environment)
        } catch let failure {
            throw error(failure.message)
        }
    }

    /// A whole number in `range`.
    package func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text), range.contains(value) else {
            throw error("expected a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// A number in `range`.
    package func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), range.contains(value) else {
            throw error("expected a number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`).
    package func bool() throws(ConfigError) -> Bool {
        let text = try string()
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \"\(text)\"")
        }
    }

    /// One of `allowed`.
    package func choice(_ allowed: [String]) throws(ConfigError) -> String {
        let text = try string()
        guard allowed.contains(text) else {
            throw error("unknown value \"\(text)\"; allowed: \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// The longest duration a configuration may give (a year): longer values are surely mistakes, and
    /// bounding them keeps every later computation with them from overflowing.
    package static let maxDuration: Duration = .seconds(365 * 86_400)

    /// A duration: `250ms`, `5s`, `2m`, `1h`, or a number of seconds; positive and at most a year.
    package func duration() throws(ConfigError) -> Duration {
        let text = try string()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        for unit in units where text.hasSuffix(unit.suffix) {
            if let number = Double(text.dropLast(unit.suffix.count)) { seconds = number * unit.seconds }
            break
        }
        if seconds == nil { seconds = Double(text) }
        let limit = Double(Self.maxDuration.components.seconds)
        guard let seconds, seconds.isFinite, seconds > 0, seconds <= limit else {
            throw error("expected a positive duration of at most a year, such as 250ms, 5s, 2m or 1h, got \"\(text)\"")
        }
        return .milliseconds(Int64(max(1, (seconds * 1000).rounded())))
    }

    /// A secret (a token, an API key): like `string()`, but empty or blank is an error, so a variable that
    /// is set but empty can never turn authentication off.
    package func secret() throws(ConfigError) -> String {
        let value = try string()
        guard value.contains(where: { !$0.isWhitespace }) else {
            guard let raw = rawText, raw.contains("${") else { throw error("must not be empty: a secret cannot be blank") }
            throw error("must not be empty: \(raw) resolved to an empty value (set the variable)")
        }
        return value
    }

    private func join(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}

#if canImport(Glibc)
import Glibc
#endif
import TelemetryHTTP
import Yams

/// A YAML node with the path that leads to it, read with strict, located errors.
///
/// Mappings are checked for unknown keys; scalars go through `${VAR}` / `${VAR:-default}` substitution
/// before they are converted.
package struct ConfigNode {
    package let node: Node
    package let path: String
    package let file: String
    package let environment: [String: String]

    package var line: Int { node.mark?.line ?? 0 }
    package var column: Int { node.mark?.column ?? 0 }

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

    package func error(_ message: String) -> ConfigError {
        ConfigError(file: file, path: path, line: line, column: column, message: message)
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

    /// The node as HTTP headers: names must be HTTP tokens and values free of control characters, so no
    /// header can be injected or make the transport fail every request.
    package func headerMap() throws(ConfigError) -> [String: String] {
        let headers = try stringMap()
        for (name, value) in headers {
            guard HeaderField.isValidName(name) else { throw error("header name \"\(name)\" is not an HTTP token") }
            guard HeaderField.isValidValue(value) else { throw error("header \"\(name)\": the value holds a control character") }
        }
        return headers
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

    package func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text), range.contains(value) else {
            throw error("expected a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    package func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), range.contains(value) else {
            throw error("expected a number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

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
            guard case .scalar(let scalar) = node, scalar.string.contains("${") else {
                throw error("must not be empty: a secret cannot be blank")
            }
            throw error("must not be empty: \(scalar.string) resolved to an empty value (set the variable)")
        }
        return value
    }

    /// `host:port` with a port in 0...65535.
    package func hostAndPort() throws(ConfigError) -> (host: String, port: Int) {
        let text = try string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex
        else { throw error("expected host:port, such as 127.0.0.1:4318, got \"\(text)\"") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// An `http://` or `https://` URL.
    package func url() throws(ConfigError) -> String {
        let text = try string()
        guard (text.hasPrefix("http://") || text.hasPrefix("https://")), text.count > 8, !text.contains(" ") else {
            throw error("expected an http:// or https:// URL, got \"\(text)\"")
        }
        return text
    }

    private func join(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}

/// The entries of a checked mapping.
package struct ConfigMapping {
    package let owner: ConfigNode
    package let entries: [(key: String, value: ConfigNode)]

    package subscript(_ key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    /// The value of a key that must be present.
    package func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = self[key] else { throw owner.error("missing required key \"\(key)\"") }
        return value
    }
}

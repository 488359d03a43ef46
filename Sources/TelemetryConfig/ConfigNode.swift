import Yams

/// A YAML node with the path that leads to it, read with strict, located errors.
///
/// Mappings are checked for unknown keys; scalars go through `${VAR}` / `${VAR:-default}` substitution
/// before they are converted.
struct ConfigNode {
    let node: Node
    let path: String
    let file: String
    let environment: [String: String]

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, path: path, line: line, column: column, message: message)
    }

    /// The node as a mapping whose keys must all be in `allowed`.
    func mapping(allowed: [String]) throws(ConfigError) -> ConfigMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of keys to values") }
        var entries: [(key: String, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings") }
            let child = ConfigNode(node: valueNode, path: join(key), file: file, environment: environment)
            guard allowed.contains(key) else {
                throw ConfigError(
                    file: file, path: child.path, line: keyNode.mark?.line ?? line, column: keyNode.mark?.column ?? column,
                    message: "unknown key; allowed here: \(allowed.joined(separator: ", "))")
            }
            entries.append((key, child))
        }
        return ConfigMapping(owner: self, entries: entries)
    }

    /// The node as a mapping of arbitrary string keys to string values (headers, tags, attributes).
    func stringMap() throws(ConfigError) -> [String: String] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of names to values") }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings") }
            result[key] = try ConfigNode(node: valueNode, path: join(key), file: file, environment: environment).string()
        }
        return result
    }

    /// The node as a sequence.
    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { index, item in
            ConfigNode(node: item, path: "\(path)[\(index)]", file: file, environment: environment)
        }
    }

    /// The scalar's text after environment substitution.
    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value, not a list or mapping") }
        do {
            return try EnvironmentSubstitution.apply(scalar.string, environment: environment)
        } catch let failure {
            throw error(failure.message)
        }
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text), range.contains(value) else {
            throw error("expected a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), range.contains(value) else {
            throw error("expected a number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    func bool() throws(ConfigError) -> Bool {
        let text = try string()
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \"\(text)\"")
        }
    }

    /// One of `allowed`.
    func choice(_ allowed: [String]) throws(ConfigError) -> String {
        let text = try string()
        guard allowed.contains(text) else {
            throw error("unknown value \"\(text)\"; allowed: \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// A duration: `250ms`, `5s`, `2m`, `1h`, or a number of seconds; must be positive.
    func duration() throws(ConfigError) -> Duration {
        let text = try string()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let number = Double(text.dropLast(unit.suffix.count)), number > 0, number.isFinite {
                return .milliseconds(Int64((number * unit.seconds * 1000).rounded()))
            }
        }
        if let seconds = Double(text), seconds > 0, seconds.isFinite {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        throw error("expected a positive duration such as 250ms, 5s, 2m or 1h, got \"\(text)\"")
    }

    /// `host:port` with a port in 0...65535.
    func hostAndPort() throws(ConfigError) -> (host: String, port: Int) {
        let text = try string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex
        else { throw error("expected host:port, such as 127.0.0.1:4318, got \"\(text)\"") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// An `http://` or `https://` URL.
    func url() throws(ConfigError) -> String {
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
struct ConfigMapping {
    let owner: ConfigNode
    let entries: [(key: String, value: ConfigNode)]

    subscript(_ key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    /// The value of a key that must be present.
    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = self[key] else { throw owner.error("missing required key \"\(key)\"") }
        return value
    }
}

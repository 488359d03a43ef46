import Yams

/// A YAML document read into a `ConfigNode` tree, with located errors.
package enum ConfigDocument {
    /// The most bytes of YAML read (configuration files are small; this bounds the parser).
    package static let maxBytes = 4 << 20

    /// The root node of `yaml`; `file` names it in errors.
    package static func root(yaml: String, file: String, environment: [String: String]) throws(ConfigError) -> ConfigNode {
        guard yaml.utf8.count <= maxBytes else {
            throw ConfigError(file: file, path: "", line: 0, column: 0, message: "the file is larger than \(maxBytes) bytes")
        }
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            let (line, column) = location(of: error)
            throw ConfigError(file: file, path: "", line: line, column: column, message: "invalid YAML: \(error)")
        }
        guard let document else {
            throw ConfigError(file: file, path: "", line: 0, column: 0, message: "the file is empty")
        }
        return ConfigNode(node: document, path: "", file: file, environment: environment)
    }

    private static func location(of error: any Error) -> (Int, Int) {
        if let yamlError = error as? YamlError, case .parser(_, _, let mark, _) = yamlError { return (mark.line, mark.column) }
        if let yamlError = error as? YamlError, case .scanner(_, _, let mark, _) = yamlError { return (mark.line, mark.column) }
        return (0, 0)
    }
}

import Foundation
import Yams

/// A YAML document read into a `ConfigNode` tree, with located errors.
package enum ConfigDocument {
    /// The most bytes of YAML read (configuration files are small; this bounds the parser).
    package static let maxBytes = 4 << 20

    /// The text of the file at `path`; an unreadable file is an error at its line 1, column 1.
    package static func contents(of path: String) throws(ConfigError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigLocation.start(of: path).error("cannot read the file: \(error.localizedDescription)")
        }
    }

    /// The root node of `yaml`; `file` names it in errors.
    package static func root(yaml: String, file: String, environment: [String: String]) throws(ConfigError) -> ConfigNode {
        guard yaml.utf8.count <= maxBytes else {
            throw ConfigLocation.start(of: file).error("the file is larger than \(maxBytes) bytes")
        }
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            let (line, column) = location(of: error)
            throw ConfigError(file: file, path: "", line: line, column: column, message: "invalid YAML: \(error)")
        }
        guard let document else {
            throw ConfigLocation.start(of: file).error("the file is empty")
        }
        return ConfigNode(node: document, path: "", file: file, environment: environment)
    }

    private static func location(of error: any Error) -> (Int, Int) {
        if let yamlError = error as? YamlError, case .parser(_, _, let mark, _) = yamlError { return (mark.line, mark.column) }
        if let yamlError = error as? YamlError, case .scanner(_, _, let mark, _) = yamlError { return (mark.line, mark.column) }
        return (1, 1)
    }
}

import Foundation

/// Replaces `${VAR}`, `${env:VAR}` (the Collector's spelling) and `${VAR:-default}` in configuration values;
/// `$$` stands for a literal `$`.
package enum EnvironmentSubstitution {
    /// A reference that cannot be replaced (unset without a default, unterminated, an empty name).
    package struct Failure: Error {
        /// What is wrong, for the located `ConfigError`.
        package let message: String
    }

    /// `text` with its references replaced from `environment`.
    package static func apply(_ text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest.index(after: dollar)
            if after < rest.endIndex, rest[after] == "$" {
                result += "$"
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard after < rest.endIndex, rest[after] == "{" else {
                result += "$"
                rest = rest[after...]
                continue
            }
            guard let close = rest[after...].firstIndex(of: "}") else {
                throw Failure(message: "unterminated ${ in \"\(text)\"")
            }
            var expression = rest[rest.index(after: after)..<close]
            if expression.hasPrefix("env:") { expression = expression.dropFirst(4) }
            let (name, fallback) = split(expression)
            guard isValidName(name) else {
                throw Failure(message: "invalid variable name \"\(name)\" in \"\(text)\"")
            }
            if let value = environment[name], !(fallback != nil && value.isEmpty) {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                throw Failure(message: "environment variable \(name) is not set (write ${\(name):-default} for a default)")
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func split(_ expression: Substring) -> (String, String?) {
        guard let range = expression.range(of: ":-") else { return (String(expression), nil) }
        return (String(expression[..<range.lowerBound]), String(expression[range.upperBound...]))
    }

    private static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}

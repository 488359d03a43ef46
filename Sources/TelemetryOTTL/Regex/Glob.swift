/// A glob with the syntax of `github.com/gobwas/glob` compiled without separators (what `replace_match`
/// and `replace_all_matches` take): `*` any text (`/` included), `?` one character, `[abc]` `[a-z]`
/// `[!a-z]` a class, `{a,b}` alternatives (nested allowed), `\x` a literal `x`; the whole text must match.
/// It is translated to an anchored RE2 expression, so matching is linear in the text.
package struct Glob: Sendable {
    /// Why a glob was refused.
    package struct InvalidGlob: Error, CustomStringConvertible {
        /// What is wrong.
        package let description: String
    }

    private let regex: LinearRegex

    /// Compiles `pattern`.
    package init(_ pattern: String) throws(InvalidGlob) {
        let expression = try Self.expression(pattern)
        do {
            regex = try LinearRegex(pattern: expression)
        } catch {
            throw InvalidGlob(description: error.description)
        }
    }

    /// Whether the whole of `text` matches.
    package func matches(_ text: String) -> Bool { regex.matches(text) }

    /// The anchored RE2 expression for `pattern`.
    static func expression(_ pattern: String) throws(InvalidGlob) -> String {
        var output = #"\A(?s:"#
        var scalars = Array(pattern.unicodeScalars)[...]
        var openBraces = 0
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "*": output += ".*"
            case "?": output += "."
            case "\\":
                guard let escaped = scalars.popFirst() else { throw InvalidGlob(description: "unexpected end of the glob after '\\'") }
                output += literal(escaped)
            case "[": output += try characterClass(&scalars)
            case "{":
                openBraces += 1
                output += "(?:"
            case "}" where openBraces > 0:
                openBraces -= 1
                output += ")"
            case "," where openBraces > 0: output += "|"
            default: output += literal(scalar)
            }
        }
        guard openBraces == 0 else { throw InvalidGlob(description: "unclosed '{' in the glob") }
        return output + #")\z"#
    }

    /// `[…]` after its `[`: a list of characters and ranges, `!` first negates.
    private static func characterClass(_ scalars: inout ArraySlice<Unicode.Scalar>) throws(InvalidGlob) -> String {
        var output = "["
        if scalars.first == "!" {
            scalars.removeFirst()
            output += "^"
        }
        var items = 0
        while let scalar = scalars.popFirst() {
            if scalar == "]" {
                guard items > 0 else { throw InvalidGlob(description: "empty character class '[]' in the glob") }
                return output + "]"
            }
            var low = scalar
            if low == "\\" {
                guard let escaped = scalars.popFirst() else { break }
                low = escaped
            }
            output += literal(low)
            if scalars.first == "-", let high = scalars.dropFirst().first, high != "]" {
                guard low <= high else { throw InvalidGlob(description: "invalid range '\(low)-\(high)' in the glob") }
                scalars.removeFirst(2)
                output += "-" + literal(high)
            }
            items += 1
        }
        throw InvalidGlob(description: "unclosed '[' in the glob")
    }

    /// `scalar` as an RE2 literal: letters and digits as they are, anything else as `\x{…}`.
    private static func literal(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return String(scalar) }
        return #"\x{"# + String(scalar.value, radix: 16) + "}"
    }
}

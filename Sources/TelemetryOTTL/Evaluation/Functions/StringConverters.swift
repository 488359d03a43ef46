import TelemetryOTLPData

/// `Concat`, `Split`, `Substring`, `ToLowerCase`, `ToUpperCase` (`pkg/ottl/ottlfuncs/func_concat.go`,
/// `func_split.go`, `func_substring.go`, `func_to_lower_case.go`, `func_to_upper_case.go`).
extension OTTLFunction {
    /// `Concat(values, delimiter)`: the values stringified (`StringLikeGetter`; nil is `<nil>`) and joined.
    static let concat = OTTLFunction(name: "Concat", kind: .converter, parameters: ["vals", "delimiter"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let values = try arguments.getter(0)
        let delimiter = try arguments.getter(1)
        return { item throws(OTTLError) in
            guard case .list(let elements) = try values(item) else { throw OTTLError("Concat takes a list of values") }
            let separator = try delimiter(item).stringArgument()
            var output = ""
            for (index, element) in elements.enumerated() {
                if index > 0 { output += separator }
                output += try OTTLValue(element).stringLike() ?? "<nil>"
            }
            return .string(output)
        }
    }

    /// `Split(target, delimiter)`: Go's `strings.Split` (an empty delimiter splits into characters, an empty
    /// text gives `[""]`, or `[]` with an empty delimiter too).
    static let split = OTTLFunction(name: "Split", kind: .converter, parameters: ["target", "delimiter"], required: 2) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.getter(0)
        let delimiter = try arguments.getter(1)
        return { item throws(OTTLError) in
            let text = try target(item).stringArgument()
            let separator = try delimiter(item).stringArgument()
            // The most pieces are `,,,`'s: one a text byte, each a `String` (16 bytes) in the split list and an
            // `OTLPValue` (24) in the result, both lists of capacity up to twice their count: 80 bytes a text byte.
            do throws(EditMemoryRefused) {
                try item.session.reserveTransient(bytes: text.utf8.count.multipliedReportingOverflow(by: 96).overflow ? .max : text.utf8.count * 96 + 4096)
            } catch {
                throw .memory(error)
            }
            return .list(GoStrings.split(text, separator).map(OTLPValue.string))
        }
    }

    /// `Substring(target, start, length, utf8_safe?)`: `length` bytes from byte `start` (characters when
    /// `utf8_safe`). A cut inside a character cannot be a Swift string: that character reads as U+FFFD.
    static let substring = OTTLFunction(name: "Substring", kind: .converter, parameters: ["target", "start", "length", "utf8_safe"], required: 3) {
        arguments, call, _ throws(OTTLCompileError) in
        let arguments = OTTLCallArguments(arguments, call)
        let target = try arguments.getter(0)
        let start = try arguments.getter(1)
        let length = try arguments.getter(2)
        let characters = try arguments.literalBool(3) ?? false
        return { item throws(OTTLError) in
            let from = try start(item).intArgument()
            guard from >= 0 else { throw OTTLError("invalid start for substring function, \(from) cannot be negative") }
            let count = try length(item).intArgument()
            guard count > 0 else { throw OTTLError("invalid length for substring function, \(count) cannot be negative or zero") }
            let text = try target(item).stringArgument()
            let bytes = Array(text.utf8)
            let range = "invalid range for substring function, start(\(from))+length(\(count))"
            guard from <= bytes.count, count <= Int64(bytes.count) - from else {
                throw OTTLError(
                    characters
                        ? "\(range) exceeds byte length(\(bytes.count)) of target string"
                        : "\(range) cannot be greater than the length of target string(\(bytes.count))")
            }
            guard characters else { return .string(String(decoding: bytes[Int(from)..<Int(from + count)], as: UTF8.self)) }
            let scalars = Array(text.unicodeScalars)
            guard from + count <= scalars.count else {
                throw OTTLError("\(range) cannot be greater than the rune length of target string(\(scalars.count))")
            }
            var output = String.UnicodeScalarView()
            output.append(contentsOf: scalars[Int(from)..<Int(from + count)])
            return .string(String(output))
        }
    }

    /// `ToLowerCase(target)`: the string in lower case (Unicode).
    static let toLowerCase = OTTLFunction(name: "ToLowerCase", kind: .converter, parameters: ["target"], required: 1) {
        arguments, call, _ throws(OTTLCompileError) in
        let target = try OTTLCallArguments(arguments, call).getter(0)
        return { item throws(OTTLError) in .string(try target(item).stringArgument().lowercased()) }
    }

    /// `ToUpperCase(target)`: the string in upper case (Unicode).
    static let toUpperCase = OTTLFunction(name: "ToUpperCase", kind: .converter, parameters: ["target"], required: 1) {
        arguments, call, _ throws(OTTLCompileError) in
        let target = try OTTLCallArguments(arguments, call).getter(0)
        return { item throws(OTTLError) in .string(try target(item).stringArgument().uppercased()) }
    }
}

/// Go's `strings` functions the converters copy.
enum GoStrings {
    /// `strings.Split(text, separator)`, on bytes (separator matches are byte matches, as in Go). The
    /// separator is searched with Knuth–Morris–Pratt, so the time is linear even when both come from data.
    static func split(_ text: String, _ separator: String) -> [String] {
        if separator.isEmpty { return text.unicodeScalars.map { String($0) } }
        let bytes = Array(text.utf8)
        let needle = Array(separator.utf8)
        let fallback = failureTable(needle)
        var pieces: [String] = []
        var start = 0
        var matched = 0
        for (index, byte) in bytes.enumerated() {
            while matched > 0, needle[matched] != byte { matched = fallback[matched - 1] }
            if needle[matched] == byte { matched += 1 }
            if matched == needle.count {
                pieces.append(String(decoding: bytes[start..<index + 1 - needle.count], as: UTF8.self))
                start = index + 1
                matched = 0
            }
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces
    }

    /// KMP's table: for each prefix of `needle`, the length of its longest proper prefix that is also a suffix.
    private static func failureTable(_ needle: [UInt8]) -> [Int] {
        var table = [Int](repeating: 0, count: needle.count)
        var length = 0
        var index = 1
        while index < needle.count {
            if needle[index] == needle[length] {
                length += 1
                table[index] = length
                index += 1
            } else if length > 0 {
                length = table[length - 1]
            } else {
                index += 1
            }
        }
        return table
    }
}

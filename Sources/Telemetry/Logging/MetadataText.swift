import Logging

/// swift-log metadata as one line of text, without recursion: nesting is walked with an explicit
/// stack, so the text and the work are linear in the metadata's size however deep it nests. (swift-log's
/// own `description` recurses, and quotes every level's text again, so its length doubles with each
/// level: 40 levels of one-element arrays are billions of characters.)
///
/// A string or string-convertible value is written as it is at the top, and quoted (`"` and `\`
/// escaped once) inside arrays and dictionaries; arrays are written `[a, b]`, dictionaries
/// `["key": value]` sorted by key (`[:]` when empty).
enum MetadataText {
    private enum Step {
        case value(Logger.MetadataValue, nested: Bool)
        case literal(String)
    }

    static func render(_ metadata: Logger.MetadataValue) -> String {
        var text = ""
        var pending: [Step] = [.value(metadata, nested: false)]
        while let step = pending.popLast() {
            switch step {
            case .literal(let literal):
                text += literal
            case .value(.string(let string), let nested):
                text += nested ? quoted(string) : string
            case .value(.stringConvertible(let value), let nested):
                text += nested ? quoted(value.description) : value.description
            case .value(.array(let values), _):
                text += "["
                pending.append(.literal("]"))
                for (index, value) in values.enumerated().reversed() {
                    pending.append(.value(value, nested: true))
                    if index > 0 { pending.append(.literal(", ")) }
                }
            case .value(.dictionary(let entries), _):
                guard !entries.isEmpty else {
                    text += "[:]"
                    continue
                }
                text += "["
                pending.append(.literal("]"))
                for (index, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated().reversed() {
                    pending.append(.value(entry.value, nested: true))
                    pending.append(.literal((index > 0 ? ", " : "") + quoted(entry.key) + ": "))
                }
            }
        }
        return text
    }

    private static func quoted(_ string: String) -> String {
        var result = "\""
        for character in string.unicodeScalars {
            if character == "\"" || character == "\\" { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(character)
        }
        return result + "\""
    }
}

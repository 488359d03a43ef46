/// A replacement template with Go's `Regexp.Expand` syntax (what `replace_pattern` and
/// `replace_all_patterns` take): `$1`, `${1}`, `$name`, `${name}` insert a group (`$0` the whole match;
/// a name is as long as possible, so `$1W` is the group named `1W`); an unknown, unmatched or
/// out-of-range group inserts nothing; `$$` is one `$`; a `$` not followed by a name is kept as is.
package struct RegexTemplate: Sendable, Equatable {
    /// One piece of the template.
    enum Piece: Sendable, Equatable {
        case text([UInt8])
        case group(Int)
        case named(String)
    }

    let pieces: [Piece]

    /// The highest group the template inserts (0 when only the whole match or none); nil when it names a
    /// group, whose number is only known to the regex.
    package var highestGroup: Int? {
        var highest = 0
        for piece in pieces {
            switch piece {
            case .text: continue
            case .group(let number): highest = max(highest, number)
            case .named: return nil
            }
        }
        return highest
    }

    /// The most bytes one expansion can write for a match of `matchLength` bytes: the literal text, and
    /// each inserted group at most the match (a group is part of it).
    package func expansionBound(matchLength: Int) -> Int {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .text(let bytes): total &+ bytes.count
            case .group, .named: total &+ matchLength
            }
        }
    }

    /// Parses `template` (never fails: malformed references are text, as in Go).
    package init(_ template: String) {
        let bytes = Array(template.utf8)
        var pieces: [Piece] = []
        var text: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$") else {
                text.append(bytes[index])
                index += 1
                continue
            }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "$") {
                text.append(UInt8(ascii: "$"))
                index += 1
                continue
            }
            guard let (name, end) = Self.reference(bytes, at: index) else {
                text.append(UInt8(ascii: "$"))
                continue
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = []
            pieces.append(Self.number(name).map(Piece.group) ?? .named(name))
            index = end
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
    }

    /// Appends the template expanded for `match` of `regex` in `text` to `output`.
    package func expand(_ match: LinearRegex.Submatch, of regex: LinearRegex, in text: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        for piece in pieces {
            let group: Int?
            switch piece {
            case .text(let bytes):
                output.append(contentsOf: bytes)
                continue
            case .group(let number): group = number
            case .named(let name): group = regex.groupIndex(named: name)
            }
            guard let group, group < match.groups.count, let range = match.groups[group] else { continue }
            output.append(contentsOf: text[range])
        }
    }

    /// Go's `extract`: a name of letters, digits and `_` (Unicode), possibly in braces; nil when malformed.
    private static func reference(_ bytes: [UInt8], at start: Int) -> (name: String, end: Int)? {
        var index = start
        let braced = index < bytes.count && bytes[index] == UInt8(ascii: "{")
        if braced { index += 1 }
        let nameStart = index
        while index < bytes.count {
            let width = characterWidth(bytes, at: index)
            let character = String(decoding: bytes[index..<index + width], as: UTF8.self).unicodeScalars.first
            guard let character, character.properties.isAlphabetic || character.properties.numericType == .decimal || character == "_"
            else { break }
            index += width
        }
        guard index > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if braced {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
        }
        return (name, index)
    }

    /// The group number a name stands for (digits only, no leading zero, below 10⁸), as Go reads it.
    private static func number(_ name: String) -> Int? {
        guard name.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), name.utf8.count <= 8 else { return nil }
        if name.utf8.count > 1, name.utf8.first == UInt8(ascii: "0") { return nil }
        return Int(name)
    }

    private static func characterWidth(_ bytes: [UInt8], at index: Int) -> Int {
        let width =
            switch bytes[index] {
            case 0xF0...: 4
            case 0xE0...: 3
            case 0xC0...: 2
            default: 1
            }
        return min(width, bytes.count - index)
    }
}

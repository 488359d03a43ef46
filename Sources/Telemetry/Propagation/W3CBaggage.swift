import Instrumentation

/// The W3C Baggage `baggage` header: comma-separated `key=value` members, values percent-encoded,
/// optional `;property` parts (kept on extraction, not re-emitted).
public enum W3CBaggage {
    /// The most members kept.
    public static let maxMembers = 180
    /// The longest header produced or accepted.
    public static let maxBytes = 8192

    /// Parses a `baggage` value; malformed members are skipped, an oversized header is ignored entirely.
    ///
    /// A member is `key=value` followed by optional `;property` parts, which are dropped: a member that
    /// starts with `;` (`k=v,;admin=1`) is all properties and no entry.
    public static func parse(_ header: String) -> [String: String] {
        guard header.utf8.count <= maxBytes else { return [:] }
        var result: [String: String] = [:]
        for member in header.split(separator: ",", omittingEmptySubsequences: false) {
            guard result.count < maxMembers else { break }
            let pair = member.prefix { $0 != ";" }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingSpaces()
            guard !key.isEmpty, key.allSatisfy(isTokenCharacter), let value = PercentEncoding.decoded(parts[1].trimmingSpaces()) else {
                continue
            }
            result[String(key)] = value
        }
        return result
    }

    /// The `baggage` value for `entries` (keys sorted), dropping members that would exceed the limits.
    public static func format(_ entries: [String: String]) -> String {
        var members: [String] = []
        var size = 0
        for key in entries.keys.sorted() where key.allSatisfy(isTokenCharacter) && !key.isEmpty {
            guard members.count < maxMembers, let value = entries[key] else { break }
            let member = "\(key)=\(percentEncoded(value))"
            guard size + member.utf8.count + (members.isEmpty ? 0 : 1) <= maxBytes else { break }
            size += member.utf8.count + (members.isEmpty ? 0 : 1)
            members.append(member)
        }
        return members.joined(separator: ",")
    }

    private static func isTokenCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, ascii > 0x20, ascii < 0x7F else { return false }
        return !"()<>@,;:\\\"/[]?={}".contains(character)
    }

    private static func percentEncoded(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            let safe = byte > 0x20 && byte < 0x7F && !",;\\\"%".utf8.contains(byte)
            if safe {
                result.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                let digits = Array("0123456789ABCDEF")
                result += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
            }
        }
        return result
    }
}

/// The `ServiceContext` key for W3C Baggage entries.
public enum BaggageKey: ServiceContextKey {
    /// The entries.
    public typealias Value = [String: String]
    /// A stable name for debugging output.
    public static var nameOverride: String? { "swift-telemetry.baggage" }
}

extension ServiceContext {
    /// W3C Baggage entries carried with this context (extracted from and injected into `baggage` headers).
    public var baggage: [String: String] {
        get { self[BaggageKey.self] ?? [:] }
        set { self[BaggageKey.self] = newValue.isEmpty ? nil : newValue }
    }
}

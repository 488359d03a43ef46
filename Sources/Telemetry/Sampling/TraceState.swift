/// Reading and editing W3C `tracestate` values, and the OpenTelemetry `ot` entry within them.
///
/// `tracestate` is a comma-separated list of `key=value` members (at most 32). The `ot` member holds
/// `;`-separated `key:value` pairs such as `th:c;rv:0123456789abcd`. An edited member moves to the front.
public enum TraceState {
    /// The most members a trace state keeps.
    public static let maxMembers = 32

    /// The members of `traceState`, in order, skipping malformed ones.
    public static func members(_ traceState: String) -> [(key: String, value: String)] {
        traceState.split(separator: ",").compactMap { member in
            let trimmed = member.trimmingSpaces()
            guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex else { return nil }
            let key = String(trimmed[..<equals])
            let value = String(trimmed[trimmed.index(after: equals)...])
            guard isValidKey(key), isValidValue(value) else { return nil }
            return (key, value)
        }.prefix(maxMembers).map { $0 }
    }

    /// Whether `key` is a valid W3C list-member key (`simple-key` or `tenant@system`).
    public static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= 256, let first = key.utf8.first,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || "_-*/@".utf8.contains(byte)
        } && key.utf8.filter { $0 == UInt8(ascii: "@") }.count <= 1
    }

    /// Whether `value` is a valid W3C list-member value (printable ASCII without `,` and `=`, no trailing space).
    public static func isValidValue(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 256, value.utf8.last != UInt8(ascii: " ") else { return false }
        return value.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "=") }
    }

    /// The value of sub-key `key` in the `ot` member, if present.
    public static func openTelemetryValue(_ key: String, in traceState: String) -> String? {
        guard let ot = members(traceState).first(where: { $0.key == "ot" })?.value else { return nil }
        for pair in ot.split(separator: ";") {
            let parts = pair.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0] == key { return String(parts[1]) }
        }
        return nil
    }

    /// `traceState` with sub-key `key` of the `ot` member set to `value`, the `ot` member first.
    public static func settingOpenTelemetryValue(_ key: String, _ value: String, in traceState: String) -> String {
        editOpenTelemetryMember(in: traceState) { pairs in
            pairs.removeAll { $0.key == key }
            pairs.insert((key, value), at: 0)
        }
    }

    /// `traceState` without sub-key `key` of the `ot` member (the member disappears when empty).
    public static func removingOpenTelemetryValue(_ key: String, in traceState: String) -> String {
        guard openTelemetryValue(key, in: traceState) != nil else { return traceState }
        return editOpenTelemetryMember(in: traceState) { pairs in pairs.removeAll { $0.key == key } }
    }

    private static func editOpenTelemetryMember(
        in traceState: String, _ edit: (inout [(key: String, value: String)]) -> Void
    ) -> String {
        var list = members(traceState)
        let ot = list.first { $0.key == "ot" }?.value ?? ""
        var pairs: [(key: String, value: String)] = ot.split(separator: ";").compactMap { pair in
            let parts = pair.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        edit(&pairs)
        list.removeAll { $0.key == "ot" }
        if !pairs.isEmpty {
            list.insert(("ot", pairs.map { "\($0.key):\($0.value)" }.joined(separator: ";")), at: 0)
        }
        return list.prefix(maxMembers).map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

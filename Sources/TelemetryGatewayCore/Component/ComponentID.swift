/// A component's id in the configuration: its type, and an optional name after `/` (`otlp/upstream`).
public struct ComponentID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The type (`otlp`, `batch`, `prometheus`…).
    public let type: String
    /// The name, or `nil`.
    public let name: String?

    /// Parses `type` or `type/name`; `nil` for an empty type or name.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty,
            first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else { return nil }
        type = String(first)
        name = parts.count == 2 ? String(parts[1]) : nil
    }

    /// `type` or `type/name`.
    public var description: String { name.map { "\(type)/\($0)" } ?? type }

    public static func < (left: ComponentID, right: ComponentID) -> Bool { left.description < right.description }
}

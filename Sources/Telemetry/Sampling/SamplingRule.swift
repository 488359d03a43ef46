/// One rule of a rule-based sampler: when a span's name and attributes match, use `sampler`.
public struct SamplingRule: Sendable {
    /// How a span name is matched.
    public enum NameMatch: Sendable, Hashable {
        /// Any name.
        case any
        /// Exactly this name.
        case exact(String)
        /// Names starting with this prefix.
        case prefix(String)
    }

    /// The name condition.
    public var name: NameMatch
    /// Attributes that must all be present with these values (compared as text).
    public var attributes: [String: String]
    /// The sampler used for matching spans.
    public var sampler: Sampler

    /// Creates a rule.
    public init(name: NameMatch = .any, attributes: [String: String] = [:], sampler: Sampler) {
        self.name = name
        self.attributes = attributes
        self.sampler = sampler
    }

    /// Whether a span with this name and these attributes matches.
    public func matches(name spanName: String, attributes spanAttributes: [String: AttributeValue]) -> Bool {
        switch name {
        case .any: break
        case .exact(let expected): guard spanName == expected else { return false }
        case .prefix(let prefix): guard spanName.hasPrefix(prefix) else { return false }
        }
        return attributes.allSatisfy { key, value in spanAttributes[key]?.description == value }
    }
}

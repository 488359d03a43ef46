import TelemetryConfig
import TelemetryHTTP
import TelemetryYAML

/// The `headers_setter` extension's settings: the rules that set an exporter's outgoing headers (HTTP)
/// or metadata (gRPC) for each batch, from fixed values or the batch's request metadata (the
/// Collector's `extension/headerssetterextension`).
public struct HeadersSetterSettings: Sendable {
    /// What a rule does with its header.
    public enum Action: String, Sendable, CaseIterable {
        /// Sets the header when it is absent or empty.
        case insert
        /// Sets the header when it is present and not empty.
        case update
        /// Sets the header.
        case upsert
        /// Removes the header.
        case delete
    }

    /// Where a rule's value comes from.
    public enum Source: Sendable, Equatable {
        /// A fixed value (`value`).
        case value(String)
        /// The first value of a request metadata key (`from_context`), else `defaultValue` (else empty).
        case context(key: String, defaultValue: String?)
        /// No value (`delete`).
        case none
    }

    /// One entry of `headers`.
    public struct Rule: Sendable, Equatable {
        /// The header name as written (`key`).
        public let key: String
        /// The action (`upsert` when not given, as in the Collector).
        public let action: Action
        /// Where its value comes from.
        public let source: Source
    }

    /// The rules, applied in order.
    public let rules: [Rule]

    /// Names the senders set themselves (or gRPC reserves): a rule may not touch them.
    private static let reservedNames: Set<String> = ["content-type", "content-encoding", "content-length", "host", "te", "connection"]

    /// Parses a `headers_setter` section: `headers`, a list of `{key, action, value | from_context,
    /// default_value}`; `from_attribute` is refused (this gateway has no authenticating receivers).
    package static func parse(_ node: ConfigNode) throws(ConfigError) -> HeadersSetterSettings {
        guard !node.isEmpty else { throw node.error("missing headers configuration") }
        let fields = try node.mapping(allowed: ["headers"])
        let list = try fields.required("headers").sequence()
        guard !list.isEmpty else { throw fields.owner.error("missing headers configuration") }
        var rules: [Rule] = []
        for item in list { rules.append(try rule(item)) }
        return HeadersSetterSettings(rules: rules)
    }

    private static func rule(_ node: ConfigNode) throws(ConfigError) -> Rule {
        let fields = try node.mapping(allowed: ["key", "action", "value", "from_context", "from_attribute", "default_value"])
        if let attribute = fields["from_attribute"] {
            throw attribute.error("from_attribute reads attributes of a server authenticator, which this gateway does not have; use from_context")
        }
        guard let keyNode = fields["key"] else { throw node.error("missing header name") }
        let key = try keyNode.string()
        guard !key.isEmpty else { throw keyNode.error("missing header name") }
        guard HeaderField.isValidName(key) else { throw keyNode.error("header name \"\(key)\" is not an HTTP token") }
        let lowered = key.lowercased()
        guard !reservedNames.contains(lowered), !lowered.hasPrefix("grpc-") else {
            throw keyNode.error("header \"\(key)\" is set by the exporter's transport and cannot be changed")
        }
        let action = try fields["action"].map { node throws(ConfigError) in
            Action(rawValue: try node.choice(Action.allCases.map(\.rawValue))) ?? .upsert
        } ?? .upsert
        let value = try fields["value"].map { node throws(ConfigError) in try checkedValue(node) }
        let context = try fields["from_context"].map { node throws(ConfigError) in try node.string() }
        let defaultValue = try fields["default_value"].map { node throws(ConfigError) in try checkedValue(node) }
        if action == .delete { return Rule(key: key, action: action, source: .none) }
        switch (value, context) {
        case (nil, nil): throw node.error("missing header source, must be 'from_context' or 'value'")
        case (.some, .some): throw node.error("invalid header source, must either 'from_context' or 'value'")
        case (.some(let value), nil):
            if let given = fields["default_value"] { throw given.error("default_value goes with from_context, not value") }
            return Rule(key: key, action: action, source: .value(value))
        case (nil, .some(let context)):
            return Rule(key: key, action: action, source: .context(key: context, defaultValue: defaultValue))
        }
    }

    /// A configured value, which may not hold a control character (it would end the header line).
    private static func checkedValue(_ node: ConfigNode) throws(ConfigError) -> String {
        let value = try node.secret()
        guard HeaderField.isValidValue(value) else { throw node.error("the value holds a control character") }
        return value
    }
}

import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// Reads an `include` or `exclude` block with the Collector's keys and texts; expressions are compiled
/// here, once.
enum MatchPropertiesParser {
    /// The block at `node`.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> MatchProperties {
        let fields = try node.mapping(allowed: MatchProperties.keys)
        let matchType = try fields["match_type"].map { node throws(ConfigError) in node.isEmpty ? "" : try node.string() } ?? ""
        guard matchType == "strict" || matchType == "regexp" else {
            throw (fields["match_type"] ?? node).error("unrecognized match_type: '\(matchType)', valid types are: [regexp strict]")
        }
        let regexp = matchType == "regexp"
        if let cache = fields["regexp"] {
            // The Collector's LRU cache of match results; RE2 needs none, so the settings are read and unused.
            let settings = try cache.mapping(allowed: ["cacheenabled", "cachemaxnumentries"])
            _ = try settings["cacheenabled"]?.bool()
            _ = try settings["cachemaxnumentries"]?.int(in: 0...Int.max)
        }
        func strings(_ name: String, _ what: String) throws(ConfigError) -> StringMatcher? {
            guard let list = fields[name], !list.isEmpty else { return nil }
            var values: [String] = []
            for item in try list.sequence() { values.append(try item.string()) }
            guard !values.isEmpty else { return nil }
            return try matcher(values, regexp: regexp, at: list, what: what)
        }
        var properties = MatchProperties()
        properties.services = try strings("services", "service name")
        properties.spanNames = try strings("span_names", "span name")
        properties.spanKinds = try strings("span_kinds", "span kind")
        properties.logBodies = try strings("log_bodies", "log record body")
        properties.logSeverityTexts = try strings("log_severity_texts", "log record severity text")
        properties.metricNames = try strings("metric_names", "metric name")
        if let kinds = fields["span_kinds"], case .strict(let names) = properties.spanKinds,
            !names.isSubset(of: Set(MatchProperties.spanKindNames.values).subtracting(["SPAN_KIND_UNSPECIFIED"]))
        {
            throw kinds.error(
                "span_kinds string must match one of the standard span kinds when match_type=strict: [SPAN_KIND_CLIENT SPAN_KIND_CONSUMER SPAN_KIND_INTERNAL SPAN_KIND_PRODUCER SPAN_KIND_SERVER]"
            )
        }
        if let severity = fields["log_severity_number"], !severity.isEmpty {
            let rule = try severity.mapping(allowed: ["min", "match_undefined"])
            properties.logSeverityNumber = (
                min: Int64(try rule["min"]?.int(in: 0...24) ?? 0), matchUndefined: try rule["match_undefined"]?.bool() ?? false
            )
        }
        properties.attributes = try conditions(fields["attributes"], regexp: regexp, what: "attribute")
        properties.resources = try conditions(fields["resources"], regexp: regexp, what: "resource")
        if let libraries = fields["libraries"], !libraries.isEmpty {
            for entry in try libraries.sequence() {
                let library = try entry.mapping(allowed: ["name", "version"])
                let name = try library["name"].map { node throws(ConfigError) in node.isEmpty ? "" : try node.string() } ?? ""
                let version = try library["version"].map { node throws(ConfigError) in node.isEmpty ? "" : try node.string() }
                properties.libraries.append(
                    LibraryCondition(
                        name: try matcher([name], regexp: regexp, at: entry, what: "library name"),
                        version: try version.map { text throws(ConfigError) in try matcher([text], regexp: regexp, at: entry, what: "library version") }))
            }
        }
        return properties
    }

    private static func matcher(_ values: [String], regexp: Bool, at node: ConfigNode, what: String) throws(ConfigError) -> StringMatcher {
        guard regexp else { return .strict(Set(values)) }
        var patterns: [LinearRegex] = []
        for value in values {
            do { patterns.append(try LinearRegex(pattern: value)) } catch {
                throw node.error("error creating \(what) filters: error parsing regexp \"\(value)\": \(error.description)")
            }
        }
        return .regexp(patterns)
    }

    private static func conditions(_ list: ConfigNode?, regexp: Bool, what: String) throws(ConfigError) -> [AttributeCondition] {
        guard let list, !list.isEmpty else { return [] }
        var conditions: [AttributeCondition] = []
        for entry in try list.sequence() {
            let fields = try entry.mapping(allowed: ["key", "value"])
            let key = try fields["key"].map { node throws(ConfigError) in node.isEmpty ? "" : try node.string() } ?? ""
            guard !key.isEmpty else { throw entry.error("error creating \(what) filters: can't have empty key in the list of attributes") }
            guard let valueNode = fields["value"], let value = AttributeActionsParser.otlpValue(try valueNode.typedValue()) else {
                conditions.append(AttributeCondition(key: key, test: .present))
                continue
            }
            guard regexp else {
                conditions.append(AttributeCondition(key: key, test: .equal(value)))
                continue
            }
            guard case .string(let pattern) = value else {
                throw valueNode.error("error creating \(what) filters: match_type=regexp for \"\(key)\" only supports Str, but found \(value.typeName)")
            }
            let compiled: LinearRegex
            do { compiled = try LinearRegex(pattern: pattern) } catch {
                throw valueNode.error("error creating \(what) filters: error parsing regexp \"\(pattern)\": \(error.description)")
            }
            conditions.append(AttributeCondition(key: key, test: .pattern(compiled)))
        }
        return conditions
    }
}

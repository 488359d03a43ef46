import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// Reads a list of actions (`actions:` of `attributes`, `attributes:` of `resource`) with the keys, the
/// checks and the error texts of the Collector's `attraction.NewAttrProc`, each error located at its
/// action. Patterns are compiled here, once.
enum AttributeActionsParser {
    static let keys = ["key", "action", "value", "from_attribute", "from_context", "default_value", "pattern", "converted_type"]

    /// The actions of `list`, in order.
    static func parse(_ list: ConfigNode) throws(ConfigError) -> [AttributeAction] {
        var actions: [AttributeAction] = []
        for (index, item) in try list.sequence().enumerated() { actions.append(try parse(item, index: index)) }
        return actions
    }

    private static func parse(_ item: ConfigNode, index: Int) throws(ConfigError) -> AttributeAction {
        let fields = try item.mapping(allowed: keys)
        func text(_ name: String) throws(ConfigError) -> String {
            guard let node = fields[name], !node.isEmpty else { return "" }
            return try node.string()
        }
        func value(_ name: String) throws(ConfigError) -> OTLPValue? {
            guard let node = fields[name] else { return nil }
            return otlpValue(try node.typedValue())
        }
        let action = try text("action").lowercased()
        let key = try text("key"), pattern = try text("pattern"), convertedType = try text("converted_type")
        let fromAttribute = try text("from_attribute"), fromContext = try text("from_context")
        let constant = try value("value"), defaultValue = try value("default_value")
        let fail = { (message: String) in item.error(message) }

        if action == "delete" || action == "hash" {
            if key.isEmpty, pattern.isEmpty {
                throw fail("error creating AttrProc due to missing required field (at least one of \"key\" and \"pattern\" have to be used) at the \(index)-th actions")
            }
        } else if key.isEmpty {
            throw fail("error creating AttrProc due to missing required field \"key\" at the \(index)-th actions")
        }
        let sourceCount = [constant != nil, !fromAttribute.isEmpty, !fromContext.isEmpty].filter { $0 }.count
        let usesConversion = "error creating AttrProc. Action \"\(action)\" does not use the \"converted_type\" field. This must not be specified for \(index)-th action"
        func compile(_ pattern: String) throws(ConfigError) -> LinearRegex {
            do { return try LinearRegex(pattern: pattern) } catch {
                throw fail("error creating AttrProc. Field \"pattern\" has invalid pattern: \"\(pattern)\" to be set at the \(index)-th actions (\(error.description))")
            }
        }

        if defaultValue != nil, ["delete", "hash", "extract", "convert"].contains(action) {
            // Not one of upstream's texts (it documents default_value for insert/update/upsert only), in their style.
            throw fail("error creating AttrProc. Action \"\(action)\" does not use the \"default_value\" field. This must not be specified for \(index)-th action")
        }
        switch action {
        case "insert", "update", "upsert":
            // `default_value` (newer Collectors) is a fallback: alone it is a source too.
            if sourceCount == 0, defaultValue == nil {
                throw fail("error creating AttrProc. Either field \"value\", \"from_attribute\" or \"from_context\" setting must be specified for \(index)-th action")
            }
            if sourceCount > 1 { throw fail("error creating AttrProc due to multiple value sources being set at the \(index)-th actions") }
            if !pattern.isEmpty {
                throw fail("error creating AttrProc. Action \"\(action)\" does not use the \"pattern\" field. This must not be specified for \(index)-th action")
            }
            if !convertedType.isEmpty { throw fail(usesConversion) }
            let origin: AttributeValueSource.Origin =
                if let constant { .value(constant) } else if !fromContext.isEmpty { .context(fromContext) } else if !fromAttribute.isEmpty {
                    .attribute(fromAttribute)
                } else { .none }
            let source = AttributeValueSource(origin: origin, defaultValue: defaultValue)
            return action == "insert" ? .insert(key: key, source: source) : action == "update" ? .update(key: key, source: source) : .upsert(key: key, source: source)
        case "delete", "hash":
            if constant != nil || !fromAttribute.isEmpty {
                throw fail("error creating AttrProc. Action \"\(action)\" does not use \"value\" or \"from_attribute\" field. These must not be specified for \(index)-th action")
            }
            let regex = pattern.isEmpty ? nil : try compile(pattern)
            if !convertedType.isEmpty { throw fail(usesConversion) }
            return action == "delete" ? .delete(key: key, pattern: regex) : .hash(key: key, pattern: regex)
        case "extract":
            if sourceCount > 0 {
                throw fail("error creating AttrProc. Action \"\(action)\" does not use a value source field. These must not be specified for \(index)-th action")
            }
            if pattern.isEmpty {
                throw fail("error creating AttrProc due to missing required field \"pattern\" for action \"\(action)\" at the \(index)-th action")
            }
            if !convertedType.isEmpty { throw fail(usesConversion) }
            let regex: LinearRegex
            do { regex = try LinearRegex(pattern: pattern, captures: true) } catch {
                throw fail("error creating AttrProc. Field \"pattern\" has invalid pattern: \"\(pattern)\" to be set at the \(index)-th actions (\(error.description))")
            }
            let names = regex.groupNames
            guard !names.isEmpty else {
                throw fail("error creating AttrProc. Field \"pattern\" contains no named matcher groups at the \(index)-th actions")
            }
            let targets = names.compactMap { $0 }
            guard targets.count == names.count else {
                throw fail("error creating AttrProc. Field \"pattern\" contains at least one unnamed matcher group at the \(index)-th actions")
            }
            return .extract(key: key, pattern: regex, targets: targets)
        case "convert":
            if sourceCount > 0 || !pattern.isEmpty {
                throw fail("error creating AttrProc. Action \"\(action)\" does not use value sources or \"pattern\" field. These must not be specified for \(index)-th action")
            }
            if convertedType.isEmpty {
                throw fail("error creating AttrProc due to missing required field \"converted_type\" for action \"\(action)\" at the \(index)-th action")
            }
            guard let type = AttributeConversion(rawValue: convertedType) else {
                throw fail("error creating AttrProc due to invalid value \"\(convertedType)\" in field \"converted_type\" for action \"\(action)\" at the \(index)-th action")
            }
            return .convert(key: key, type: type)
        default:
            throw fail("error creating AttrProc due to unsupported action \"\(action)\" at the \(index)-th actions")
        }
    }

    /// A configured value as pdata's `FromRaw` makes it (nil for YAML null: not set).
    static func otlpValue(_ value: ConfigValue) -> OTLPValue? {
        switch value {
        case .null: nil
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .list(let items): .array(items.map { otlpValue($0) ?? .empty })
        case .map(let entries): .map(entries.map { OTLPKeyValue(key: $0.key, value: otlpValue($0.value) ?? .empty) })
        }
    }
}

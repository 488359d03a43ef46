import TelemetryConfig
import TelemetryYAML

/// The top-level `extensions:` section and `service.extensions`. The only type is `headers_setter`
/// (exporters name it in `auth.authenticator`); others, such as `health_check`, are refused (the
/// receiver serves `/healthz` itself).
enum ExtensionsParser {
    /// The extension types this gateway has.
    private static let types = ["headers_setter"]

    /// The extensions `section` defines, by id.
    ///
    /// - Throws: `ConfigError` at an unknown type or a bad section.
    static func definitions(_ section: ConfigNode?) throws(ConfigError) -> [ComponentID: HeadersSetterSettings] {
        var defined: [ComponentID: HeadersSetterSettings] = [:]
        for (key, value) in try section?.mapping(allowed: nil).entries ?? [] {
            guard let id = ComponentID(key) else { throw value.error("\"\(key)\" is not a valid id (type or type/name)") }
            guard types.contains(id.type) else {
                throw value.error(
                    "unknown extension type \"\(id.type)\"; known here: \(types.joined(separator: ", ")) (the receiver serves /healthz itself)")
            }
            defined[id] = try HeadersSetterSettings.parse(value)
        }
        return defined
    }

    /// The extensions of `defined` that `listed` (`service.extensions`) starts, by id.
    ///
    /// - Throws: `ConfigError` at a listed id that is not defined or is listed twice.
    static func started(_ defined: [ComponentID: HeadersSetterSettings], listed: ConfigNode?) throws(ConfigError) -> [ComponentID: HeadersSetterSettings] {
        var started: [ComponentID: HeadersSetterSettings] = [:]
        for item in try listed?.sequence() ?? [] {
            let text = try item.string()
            guard let id = ComponentID(text), let settings = defined[id] else {
                throw item.error("extension \"\(text)\" is not defined in the top-level extensions section")
            }
            guard started[id] == nil else { throw item.error("\(id) is listed twice") }
            started[id] = settings
        }
        return started
    }

    /// Gives each exporter whose `auth.authenticator` names one of `extensions` its rules (through
    /// `BuildContext.headersSetter`).
    ///
    /// - Throws: `ConfigError` at an authenticator that is not a defined and started `headers_setter`.
    static func resolveAuthenticators(
        _ exporters: inout [ComponentID: (ExporterDefinition, ConfigNode)], extensions: [ComponentID: HeadersSetterSettings]
    ) throws(ConfigError) {
        for (id, (definition, node)) in exporters {
            guard let authenticator = definition.authenticator else { continue }
            guard let rules = extensions[authenticator.id] else {
                throw authenticator.source.error(
                    "exporter \(id): authenticator \(authenticator.id) is not a headers_setter extension defined in the top-level extensions section and listed in service.extensions")
            }
            var resolved = definition
            let build = definition.build
            resolved.build = { context throws(GatewayError) in
                var context = context
                context.headersSetter = rules
                return try build(context)
            }
            exporters[id] = (resolved, node)
        }
    }
}

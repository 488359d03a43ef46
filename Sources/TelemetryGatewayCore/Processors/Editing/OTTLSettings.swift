import TelemetryOTTL
import TelemetryYAML

/// Reading OTTL from a processor's section: `error_mode`, statements and conditions, each error located at
/// its YAML node with the column inside the statement.
enum OTTLSettings {
    /// An `error_mode` value (case-insensitive, as the Collector's).
    static func errorMode(_ node: ConfigNode) throws(ConfigError) -> OTTLErrorMode {
        let text = try node.string()
        guard let mode = OTTLErrorMode(rawValue: text.lowercased()) else {
            throw node.error("unknown error mode \(text); use propagate, ignore or silent")
        }
        return mode
    }

    /// A `context:` value (case-insensitive) among `allowed`.
    static func context(_ node: ConfigNode, allowed: [OTTLContext]) throws(ConfigError) -> OTTLContext {
        let text = try node.string()
        guard let context = OTTLContext(name: text.lowercased()), allowed.contains(context) else {
            throw node.error("unknown context \(text); use one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        return context
    }

    /// A statement (its text and tree) at `node`.
    static func statement(_ node: ConfigNode) throws(ConfigError) -> (text: String, tree: OTTLStatement) {
        let text = try node.string()
        do {
            return (text, try OTTLParser.statement(text))
        } catch {
            throw node.error("unable to parse OTTL statement \"\(text)\": \(error)")
        }
    }

    /// A condition (its text and tree) at `node`.
    static func condition(_ node: ConfigNode) throws(ConfigError) -> (text: String, tree: OTTLBoolExpression) {
        let text = try node.string()
        do {
            return (text, try OTTLParser.condition(text))
        } catch {
            throw node.error("unable to parse OTTL condition \"\(text)\": \(error)")
        }
    }

    /// `statement` compiled in `context`, its errors located at `node`.
    static func compile(_ statement: OTTLStatement, text: String, in context: OTTLContext, functions: OTTLFunctionTable, at node: ConfigNode)
        throws(ConfigError) -> OTTLCompiler.Statement
    {
        do {
            return try OTTLCompiler(context: context, functions: functions).statement(statement)
        } catch {
            throw node.error("unable to parse OTTL statement \"\(text)\": \(error)")
        }
    }

    /// `condition` compiled in `context`, its errors located at `node`.
    static func compile(_ condition: OTTLBoolExpression, text: String, in context: OTTLContext, functions: OTTLFunctionTable, at node: ConfigNode)
        throws(ConfigError) -> OTTLCondition
    {
        do {
            return try OTTLCompiler(context: context, functions: functions).condition(condition)
        } catch {
            throw node.error("unable to parse OTTL condition \"\(text)\": \(error)")
        }
    }

    /// The items of a `*_statements` / `*_conditions` list: all strings (the basic style) or all mappings
    /// (the advanced style); mixing them is the Collector's error.
    static func styledList(_ node: ConfigNode) throws(ConfigError) -> (basic: [ConfigNode], advanced: [ConfigNode]) {
        let items = try node.sequence()
        let basic = items.filter { !$0.isMapping }
        let advanced = items.filter(\.isMapping)
        guard basic.isEmpty || advanced.isEmpty else {
            throw node.error(
                "configuring multiple configuration styles is not supported, please use only Basic configuration or only Advanced configuration")
        }
        for item in basic where item.isEmpty { throw item.error("condition cannot be empty") }
        return (basic, advanced)
    }
}
